/** `berth stop [-t] [-s]`: the stop signal (SIGTERM unless set), then SIGKILL after -t seconds; prints each name. */
import { parseSignal } from '../../runtime/signals.js';
import { connectClient, type GlobalOptions } from '../client.js';
import { parseNonNegative, eachContainer } from './each.js';

export default async function stop(containers: string[], opts: { time: string; signal?: string }, globals: GlobalOptions): Promise<number> {
  const timeoutSeconds = parseNonNegative(opts.time, '--time');
  const signal = opts.signal === undefined ? undefined : parseSignal(opts.signal).name;
  const client = await connectClient(globals);
  try {
    return await eachContainer(containers, (ref) =>
      client.request({ op: 'container.stop', ref, timeoutSeconds, signal }, (timeoutSeconds + 120) * 1000));
  } finally {
    await client.close();
  }
}
