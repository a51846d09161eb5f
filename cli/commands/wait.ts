/** `berth wait`: block until each container stops, then print its exit code. */
import { AnyEvent } from '../../events/all.js';
import { decode } from '../../events/codec.js';
import { eventSubject } from '../../events/subjects.js';
import { connectClient, type Client, type GlobalOptions } from '../client.js';

async function waitOne(client: Client, ref: string): Promise<number> {
  const view = await client.request({ op: 'container.inspect', ref });
  let resolveExit: (code: number) => void = () => {};
  const exited = new Promise<number>((resolve) => { resolveExit = resolve; });
  const sub = client.nc.subscribe(eventSubject(view.host, 'container', view.id), {
    callback: (error, msg) => {
      if (error) return;
      const event = decode(AnyEvent, msg.data);
      if (event.type === 'container.died' || event.type === 'container.start_failed') resolveExit(event.data.exitCode);
    },
  });
  try {
    await client.nc.flush();
    // Ask again now that we listen: it may have exited in between.
    const now = await client.request({ op: 'container.inspect', ref: view.id });
    if (now.status !== 'running' && now.status !== 'stopping' && now.status !== 'starting') return now.exitCode ?? 0;
    return await exited;
  } finally {
    sub.unsubscribe();
  }
}

export default async function wait(containers: string[], _opts: object, globals: GlobalOptions): Promise<number> {
  const client = await connectClient(globals);
  try {
    let code = 0;
    for (const ref of containers) {
      try {
        process.stdout.write(`${await waitOne(client, ref)}\n`);
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
