/**
 * JetStream calls that fail for want of the cluster's answer, not for a fault of the call: a
 * new cluster electing its leaders, the leaders moving after a node was lost (a publish finds
 * no responders, making a consumer times out, JetStream is "temporarily unavailable"), three
 * daemons creating the same stream at once, a meta leader that knows fewer peers than the
 * replicas asked while nodes still join, a stream not created yet.
 */

/** Whether `error` is one of those: worth trying again, or going another way. */
export function isUnsettled(error: unknown): boolean {
  const message = (error as Error)?.message ?? '';
  return /timeout|no responders|not enabled|temporarily unavailable|leader|no suitable peers|stream not found/i.test(message);
}

/**
 * Runs `step` again, every 500 ms, while it fails unsettled, for up to `timeoutMs`; any other
 * failure, or the last one, is thrown as it came. `onRetry` hears each failure tried again.
 */
export async function whileUnsettled<T>(step: () => Promise<T>, timeoutMs: number, onRetry: (error: Error) => void = () => {}): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await step();
    } catch (error) {
      if (!isUnsettled(error) || Date.now() > end) throw error;
      onRetry(error as Error);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
