/** The data a container actor holds; its lifecycle status is the machine's state value. */
import type { ContainerConfig } from '../../events/container.js';

export type ContainerStatus =
  | 'none' | 'created' | 'starting' | 'running' | 'stopping' | 'exited' | 'removing' | 'removed' | 'dead';

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
}

/** What decide sees: the data plus the status. */
export type ContainerState = ContainerData & { status: ContainerStatus };

export function initialContainerData(input: { id: string; host: string }): ContainerData {
  return {
    id: input.id, host: input.host, config: null, created: 0, pid: null, shimPid: null,
    exitCode: null, signal: null, oomKilled: false, error: null, startedAt: null, finishedAt: null,
  };
}
