/**
 * Verbs that exit as Docker's do for a container that does not exist (1, the daemon's error),
 * where berth's older verbs exit 125: `commit` and `port`.
 */
import { NotFoundError } from '../events/errors.js';
import { connectClient, type EngineClient, type GlobalOptions } from './client.js';

/** Runs `work` with a client (closed after); a "No such container" error exits 1. */
export async function withClientMissingExits1<T>(globals: GlobalOptions, work: (client: EngineClient) => Promise<T>): Promise<T> {
  const client = await connectClient(globals);
  try {
    return await work(client);
  } catch (error) {
    if (error instanceof NotFoundError && /^No such container/.test(error.message)) error.exitCode = 1;
    throw error;
  } finally {
    await client.close();
  }
}
