/**
 * Trying a JetStream call again while the cluster settles. An API call can go unanswered for a
 * while, or be refused, when nothing is wrong but timing: a new cluster electing its leaders,
 * the leaders moving after a node was lost, three daemons creating the same stream at once, a
 * meta leader that knows fewer peers than the replicas asked while nodes still join.
 */
import { BerthError } from '../../events/errors.js';

/**
 * Runs `step` again, every 500 ms, while it fails with one of those transient errors (a
 * timeout, no responders, JetStream not enabled or temporarily unavailable, no leader, no
 * suitable peers, a stream not found yet), for up to `timeoutMs`; then fails naming `what`.
 */
export async function untilAnswered<T>(what: string, step: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await step();
    } catch (error) {
      const message = (error as Error).message ?? '';
      const transient = /timeout|no responders|not enabled|temporarily unavailable|leader|no suitable peers|stream not found/i.test(message);
      if (!transient || Date.now() > end) throw new BerthError(`${what}: ${message}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
