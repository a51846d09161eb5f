/** `berth host drain HOST`: the host records `node.drained`; placement skips it from then on. */
import { connectClient, type GlobalOptions } from '../client.js';

/** Sends a node request to the host named; prints the host id. */
export async function setAvailability(host: string, op: 'node.drain' | 'node.activate', globals: GlobalOptions): Promise<number> {
  const client = await connectClient({ ...globals, host });
  try {
    const result = await client.request({ op });
    process.stdout.write(`${result.host}\n`);
    return 0;
  } finally {
    await client.close();
  }
}

export default function hostDrain(host: string, _opts: unknown, globals: GlobalOptions): Promise<number> {
  return setAvailability(host, 'node.drain', globals);
}
