/** The data a container actor holds; its lifecycle status is the machine's state value. */
import type { ContainerConfig } from '../../events/container.js';
import type { HealthStatus } from '../../events/health.js';

import type { ContainerStatus } from '../../events/containerStatus.js';

export type { ContainerStatus };

export interface ContainerData {
  /** The container id (64 hex characters). */
  id: string;
  /** The host that owns it. */
  host: string;
  /** Null until created. */
  config: ContainerConfig | null;
  /** ms since the epoch, from the created event. */
  created: number;
  /** The container's init pid on the host, while it runs. */
  pid: number | null;
  shimPid: number | null;
  exitCode: number | null;
  signal: number | null;
  oomKilled: boolean;
  /** Why the last start failed. */
  error: string | null;
  startedAt: number | null;
  finishedAt: number | null;
  /** Restarts by the restart policy since the last manual start (Docker's RestartCount). */
  restartCount: number;
  /** Set by a user's stop, cleared by the next start: the policies that honour it read it. */
  manuallyStopped: boolean;
  /** When the pending policy restart is due (ms since the epoch), while restarting. */
  restartDueAt: number | null;
  /** The last backoff delay, which the next quick restart doubles. */
  restartDelayMs: number;
  /** The health status, when the container has a check (reset at each start). */
  health: { status: HealthStatus; failingStreak: number } | null;
  /** When it was destroyed (ms since the epoch): its history is compacted after the retention period. */
  removedAt: number | null;
  /** Set by container.fenced: rescheduled elsewhere (that host and container id) while its host was fenced. */
  fenced?: { host: string; container: string; reason: string } | null;
  /** Set by container.rescheduled: the fenced host's container this one replaces. */
  rescheduledFrom?: { host: string; container: string; reason: string } | null;
}

/** What decide sees: the data plus the status. */
export type ContainerState = ContainerData & { status: ContainerStatus };

export function initialContainerData(input: { id: string; host: string }): ContainerData {
  return {
    id: input.id, host: input.host, config: null, created: 0, pid: null, shimPid: null,
    exitCode: null, signal: null, oomKilled: false, error: null, startedAt: null, finishedAt: null,
    restartCount: 0, manuallyStopped: false, restartDueAt: null, restartDelayMs: 0, removedAt: null, health: null,
    fenced: null, rescheduledFrom: null,
  };
}
