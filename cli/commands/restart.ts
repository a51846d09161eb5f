/** `berth restart`: stop (SIGTERM, then SIGKILL after -t) and start again; prints each name. */
import { parseSignal } from '../../runtime/signals.js';
import { connectClient, type GlobalOptions } from '../client.js';
import { eachContainer, parseNonNegative } from './each.js';
import { isRunning } from '../../events/containerStatus.js';

export default async function restart(containers: string[], opts: { time: string; signal?: string }, globals: GlobalOptions): Promise<number> {
  const timeoutSeconds = parseNonNegative(opts.time, '--time');
  const signal = opts.signal === undefined ? undefined : parseSignal(opts.signal).name;
  const client = await connectClient(globals);
  try {
    return await eachContainer(containers, async (ref) => {
      const view = await client.request({ op: 'container.inspect', ref });
      if (isRunning(view.status)) {
        await client.request({ op: 'container.stop', ref: view.id, timeoutSeconds, signal }, (timeoutSeconds + 120) * 1000);
      }
      await client.request({ op: 'container.start', ref: view.id });
    });
  } finally {
    await client.close();
  }
}
