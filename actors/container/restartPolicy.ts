/**
 * Docker's restart policies and backoff, as pure functions: whether an exit leads to a restart,
 * and after how long (100 ms, doubling for each quick restart, capped at one minute, and back
 * to 100 ms once a run lasted 10 seconds).
 */
import type { RestartPolicy } from '../../events/container.js';
import { ValidationError } from '../../events/errors.js';

export const FIRST_DELAY_MS = 100;
export const MAX_DELAY_MS = 60_000;
export const RESET_AFTER_MS = 10_000;

/** Whether the policy restarts a container that exited by itself (not by a user's stop). */
export function restartsAfterExit(policy: RestartPolicy | undefined, exitCode: number, restartCount: number): boolean {
  switch (policy?.name ?? 'no') {
    case 'always':
    case 'unless-stopped':
      return true;
    case 'on-failure':
      return exitCode !== 0 && (policy!.maximumRetryCount === 0 || restartCount < policy!.maximumRetryCount);
    default:
      return false;
  }
}

/** Whether the policy starts an exited container again when the daemon starts. */
export function restartsWithDaemon(policy: RestartPolicy | undefined, manuallyStopped: boolean): boolean {
  const name = policy?.name ?? 'no';
  return name === 'always' || (name === 'unless-stopped' && !manuallyStopped);
}

/** The delay before the next restart, given the last one and how long the container ran. */
export function nextDelay(lastDelayMs: number, ranForMs: number): number {
  if (lastDelayMs === 0 || ranForMs >= RESET_AFTER_MS) return FIRST_DELAY_MS;
  return Math.min(lastDelayMs * 2, MAX_DELAY_MS);
}

