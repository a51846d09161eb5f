/**
 * `berth wait [--condition not-running|next-exit|removed]`: block until each container reaches
 * the condition, then print its exit code.
 */
import { parseWaitCondition, waitForContainer } from '../../client/waitContainer.js';
import { connectClient, type GlobalOptions } from '../client.js';

export default async function wait(containers: string[], opts: { condition: string }, globals: GlobalOptions): Promise<number> {
  const condition = parseWaitCondition(opts.condition);
  const client = await connectClient(globals);
  try {
    let code = 0;
    for (const ref of containers) {
      try {
        process.stdout.write(`${await waitForContainer(client, ref, condition)}\n`);
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
