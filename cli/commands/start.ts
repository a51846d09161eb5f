/**
 * `berth start`: start stopped containers and print each name; with -a, start one container,
 * follow its output until it exits, and exit with its code.
 */
import { ValidationError } from '../../events/errors.js';
import { followContainer } from '../../client/followContainer.js';
import { connectClient, type EngineClient, type GlobalOptions } from '../client.js';
import { printOutput } from '../output.js';
import { eachContainer } from './each.js';

async function startAttached(client: EngineClient, ref: string): Promise<number> {
  const view = await client.request({ op: 'container.inspect', ref });
  // The log file keeps earlier runs; the output subject replays it from the start, so only what
  // was written after this start is shown.
  const follow = await followContainer(client.nc, { host: view.host, container: view.id, outputSince: Date.now() - 5 }, printOutput);
  const forward = (signal: NodeJS.Signals) => {
    void client.request({ op: 'container.kill', ref: view.id, signal }).catch(() => {});
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  try {
    await client.request({ op: 'container.start', ref: view.id });
    return (await follow.ended).exitCode ?? 125;
  } finally {
    process.off('SIGINT', forward);
    process.off('SIGTERM', forward);
    follow.close();
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
