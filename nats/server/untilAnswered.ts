/**
 * Trying a JetStream call again while the cluster settles (unsettled.ts), for callers
 * that report the failure by what they were doing.
 */
import { BerthError } from '../../events/errors.js';
import { whileUnsettled } from './unsettled.js';

/**
 * Runs `step` again, every 500 ms, while it fails with one of those transient errors, for up
 * to `timeoutMs`; then fails naming `what`.
 */
export async function untilAnswered<T>(what: string, step: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  try {
    return await whileUnsettled(step, timeoutMs);
  } catch (error) {
    throw new BerthError(`${what}: ${(error as Error).message ?? ''}`, { cause: error });
  }
}
