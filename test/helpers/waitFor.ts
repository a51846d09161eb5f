/**
 * waitFor: wait on a condition, never on the clock. Polls `predicate` until it returns
 * something truthy and resolves with that value; after `timeoutMs` it throws an error that
 * names what it waited for (and the last error the predicate threw, if any):
 *
 *     await waitFor(() => engine.inspect('web').then((c) => c.State.Running), { what: 'web to run' });
 *     const pid = await waitFor(() => engine.natsPid(), { what: 'the nats-server pid file', timeoutMs: 10_000 });
 *
 * A predicate that throws counts as "not yet". The deadline is a bound on a broken run, not a
 * timing assertion: make it generous (the default is 20 s) so that a loaded machine only waits
 * longer. `intervalMs` (default 20 ms) is the pause between polls.
 */
export interface WaitOptions {
  /** What is being waited for, in words: "the container to exit". */
  what: string;
  timeoutMs?: number;
  intervalMs?: number;
}

/** What a predicate returns once it holds. */
export type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>;

export async function waitFor<T>(predicate: () => T | Promise<T>, opts: WaitOptions): Promise<Truthy<T>> {
  const { what, timeoutMs = 20_000, intervalMs = 20 } = opts;
  const end = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await predicate();
      if (value) return value as Truthy<T>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= end) {
      const cause = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`, { cause: lastError });
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
