/**
 * `berth wait [--condition not-running|next-exit|removed]`: block until each container reaches
 * the condition, then print its exit code.
 */
import { AnyEvent } from '../../events/all.js';
import { decode } from '../../events/codec.js';
import { ValidationError } from '../../events/errors.js';
import { eventSubject } from '../../events/subjects.js';
import { connectClient, type EngineClient, type GlobalOptions } from '../client.js';
import { isUp } from '../../events/containerStatus.js';

export type Condition = 'not-running' | 'next-exit' | 'removed';

async function waitOne(client: EngineClient, ref: string, condition: Condition): Promise<number> {
  const view = await client.request({ op: 'container.inspect', ref });
  let lastCode = view.exitCode ?? 0;
  let resolveWait: (code: number) => void = () => {};
  const reached = new Promise<number>((resolve) => { resolveWait = resolve; });
  const sub = client.nc.subscribe(eventSubject(view.host, 'container', view.id), {
    callback: (error, msg) => {
      if (error) return;
      const event = decode(AnyEvent, msg.data);
      if (event.type === 'container.died' || event.type === 'container.start_failed') {
        lastCode = event.data.exitCode;
        if (condition !== 'removed') resolveWait(lastCode);
      }
      if (event.type === 'container.destroyed') resolveWait(lastCode);
    },
  });
  try {
    await client.nc.flush();
    if (condition === 'not-running') {
      // Ask again now that we listen: it may have exited in between.
      const now = await client.request({ op: 'container.inspect', ref: view.id });
      if (!isUp(now.status)) return now.exitCode ?? 0;
    }
    return await reached;
  } finally {
    sub.unsubscribe();
  }
}

export default async function wait(containers: string[], opts: { condition: string }, globals: GlobalOptions): Promise<number> {
  if (!['not-running', 'next-exit', 'removed'].includes(opts.condition)) {
    throw new ValidationError(`invalid condition "${opts.condition}": use not-running, next-exit or removed`);
  }
  const client = await connectClient(globals);
  try {
    let code = 0;
    for (const ref of containers) {
      try {
        process.stdout.write(`${await waitOne(client, ref, opts.condition as Condition)}\n`);
      } catch (error) {
        process.stderr.write(`berth: ${(error as Error).message}\n`);
        code = 1;
      }
    }
    return code;
  } finally {
    await client.close();
  }
}
