/**
 * `berth start`: start stopped containers and print each name; with -a, start one container,
 * follow its output until it exits, and exit with its code.
 */
import { AnyEvent } from '../../events/all.js';
import { decode } from '../../events/codec.js';
import { ValidationError } from '../../events/errors.js';
import { OutputChunk } from '../../events/requests.js';
import { eventSubject, outputSubject } from '../../events/subjects.js';
import { connectClient, type Client, type GlobalOptions } from '../client.js';
import { eachContainer } from './each.js';

async function startAttached(client: Client, ref: string): Promise<number> {
  const view = await client.request({ op: 'container.inspect', ref });
  // The log file keeps earlier runs; the output subject replays it from the start, so only what
  // was written after this start is shown.
  const startedAfter = Date.now() - 5;
  let exitCode: number | null = null;
  let outputDone = false;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => { finish = resolve; });
  const check = () => { if (exitCode !== null && outputDone) finish(); };
  const output = client.nc.subscribe(outputSubject(view.host, view.id), {
    callback: (error, msg) => {
      if (error) return;
      const chunk = decode(OutputChunk, msg.data);
      if (chunk.eof) { outputDone = true; check(); return; }
      if (chunk.time && Date.parse(chunk.time) < startedAfter) return;
      (chunk.stream === 'stderr' ? process.stderr : process.stdout).write(chunk.data ?? '');
    },
  });
  const events = client.nc.subscribe(eventSubject(view.host, 'container', view.id), {
    callback: (error, msg) => {
      if (error) return;
      const event = decode(AnyEvent, msg.data);
      if (event.type === 'container.died') { exitCode = event.data.exitCode; check(); }
    },
  });
  await client.nc.flush();
  const forward = (signal: NodeJS.Signals) => {
    void client.request({ op: 'container.kill', ref: view.id, signal }).catch(() => {});
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  try {
    await client.request({ op: 'container.start', ref: view.id });
    await finished;
    return exitCode ?? 125;
  } finally {
    process.off('SIGINT', forward);
    process.off('SIGTERM', forward);
    output.unsubscribe();
    events.unsubscribe();
  }
}

export default async function start(containers: string[], opts: { attach?: boolean; interactive?: boolean }, globals: GlobalOptions): Promise<number> {
  if ((opts.attach || opts.interactive) && containers.length > 1) {
    throw new ValidationError('you cannot start and attach multiple containers at once');
  }
  const client = await connectClient(globals);
  try {
    if (opts.attach) return await startAttached(client, containers[0]!);
    return await eachContainer(containers, (ref) => client.request({ op: 'container.start', ref }));
  } finally {
    await client.close();
  }
}
