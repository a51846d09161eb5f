/**
 * A container's lifecycle statuses (the container statechart's states, actors/container/machine.ts)
 * and what each one means, declared once. The machine takes its state tags from STATUS_TAGS, and
 * the CLI, which reads statuses from views and never imports actors/, asks the same predicates.
 */

export const CONTAINER_STATUSES = ['none', 'created', 'starting', 'running', 'paused', 'stopping', 'exited', 'restarting', 'removing', 'removed', 'dead'] as const;
export type ContainerStatus = (typeof CONTAINER_STATUSES)[number];

/**
 * - `exists`: created and not removed (what `ps -a` lists, and what holds a name).
 * - `running`: Docker's State.Running: shown by `ps` without -a, counted as running by `info`;
 *   a container restarting under its policy is running in Docker's sense, though its process is
 *   between runs.
 * - `process`: a process of the container exists now (exec, cp, top, stats and following logs
 *   need one).
 * - `up`: a process exists or is being started; what must come down before a fenced host
 *   serves again, and what `wait` waits out.
 * - `wanted`: the user or the restart policy wants it running (not being stopped); what a lost
 *   host's rescheduling brings back elsewhere.
 * - `stopped`: it exists, and no process is, nor is being started or removed (what prune removes).
 */
export type StatusTag = 'exists' | 'running' | 'process' | 'up' | 'wanted' | 'stopped';

export const STATUS_TAGS: { readonly [S in ContainerStatus]: readonly StatusTag[] } = {
  none: [],
  created: ['exists', 'stopped'],
  starting: ['exists', 'up', 'wanted'],
  running: ['exists', 'running', 'process', 'up', 'wanted'],
  paused: ['exists', 'running', 'process', 'up', 'wanted'],
  stopping: ['exists', 'running', 'process', 'up'],
  exited: ['exists', 'stopped'],
  restarting: ['exists', 'running', 'wanted'],
  removing: ['exists'],
  removed: [],
  dead: ['exists', 'stopped'],
};

/** Whether a status (a state value, or a view's status string) carries the tag. */
export function hasStatusTag(status: string, tag: StatusTag): boolean {
  return (STATUS_TAGS as Record<string, readonly StatusTag[] | undefined>)[status]?.includes(tag) ?? false;
}

/** Created and not removed. */
export const exists = (status: string): boolean => hasStatusTag(status, 'exists');
/** Docker's State.Running. */
export const isRunning = (status: string): boolean => hasStatusTag(status, 'running');
/** A process of the container exists now. */
export const hasProcess = (status: string): boolean => hasStatusTag(status, 'process');
/** A process exists or is being started. */
export const isUp = (status: string): boolean => hasStatusTag(status, 'up');
/** The user or the restart policy wants it running. */
export const isWanted = (status: string): boolean => hasStatusTag(status, 'wanted');
/** It exists and nothing runs or is in flight. */
export const isStopped = (status: string): boolean => hasStatusTag(status, 'stopped');
