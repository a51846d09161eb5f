/** `berth stop`: SIGTERM, then SIGKILL after -t seconds; prints each name as Docker does. */
import { connectClient, type GlobalOptions } from '../client.js';
import { parseNonNegative, eachContainer } from './each.js';

export default async function stop(containers: string[], opts: { time: string }, globals: GlobalOptions): Promise<number> {
  const timeoutSeconds = parseNonNegative(opts.time, '--time');
  const client = await connectClient(globals);
  try {
    return await eachContainer(containers, (ref) =>
      client.request({ op: 'container.stop', ref, timeoutSeconds }, (timeoutSeconds + 120) * 1000));
  } finally {
    await client.close();
  }
}
