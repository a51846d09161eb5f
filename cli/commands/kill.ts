/** `berth kill`: send a signal (default KILL). */
import { parseSignal } from '../../runtime/signals.js';
import { connectClient, type GlobalOptions } from '../client.js';
import { eachContainer } from './each.js';

export default async function kill(containers: string[], opts: { signal: string }, globals: GlobalOptions): Promise<number> {
  const signal = parseSignal(opts.signal).name;
  const client = await connectClient(globals);
  try {
    return await eachContainer(containers, (ref) => client.request({ op: 'container.kill', ref, signal }));
  } finally {
    await client.close();
  }
}
