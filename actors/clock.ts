/**
 * The time the live actors' timers run on: the system clock in the daemon, xstate's
 * SimulatedClock in tests, so restart backoff, stop deadlines and health probes can be driven
 * tick by tick. (xstate's own clock interface plus `now`.)
 */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id as NodeJS.Timeout),
};
