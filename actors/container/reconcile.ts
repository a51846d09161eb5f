/**
 * After replay, make the log true again: compare each container's recorded state with what the
 * kernel has, and emit the commands that close the gap. It decides nothing by itself; the
 * commands go through decide like any other.
 */
import type { ContainerCommand } from '../../events/container.js';
import type { CgroupVerdict } from '../../runtime/cgroups/leftovers.js';
import type { KernelView } from '../../runtime/worker.js';
import { restartsWithDaemon } from './restartPolicy.js';
import type { ContainerState } from './state.js';

/** A Start when the restart policy brings the container back with the daemon; a fenced one runs elsewhere now. */
function startWithDaemon(state: ContainerState): ContainerCommand[] {
  return !state.fenced && restartsWithDaemon(state.config?.restartPolicy, state.manuallyStopped) ? [{ type: 'Start' }] : [];
}

/** What to do for one container: commands to dispatch, and which effect to re-arm. */
export interface Reconciliation {
  commands: ContainerCommand[];
  resume: 'watch' | 'remove' | 'restart' | 'cleanup' | 'await-start' | null;
  /** Thaw its cgroup: it is recorded running but the kernel has it frozen (a daemon killed during `cp`). */
  thaw?: boolean;
}

/** Why reconciliation failed a start that the daemon's death cut short. */
export const INTERRUPTED_START = 'the daemon stopped while the container was starting';

/** Pure: whether the container's last start failed only because the daemon died during it. */
export function startWasInterrupted(state: ContainerState): boolean {
  return state.status === 'exited' && state.error === INTERRUPTED_START;
}

/**
 * The statuses whose repair reads the kernel's view: a container recorded as having a process.
 * For every other status (created, exited, removing, restarting, removed, ...) the repair
 * follows from the record alone, and the daemon's start reads no file for it: with 10,000
 * containers of history, most of them exited, those reads were most of its reconcile.
 */
const READS_KERNEL: ReadonlySet<ContainerState['status']> = new Set(['starting', 'running', 'paused', 'stopping']);

/** Pure: whether reconcileContainer looks at the kernel's view for a container in `status`. */
export function kernelMatters(status: ContainerState['status']): boolean {
  return READS_KERNEL.has(status);
}

/** The kernel's view handed to reconcileContainer when it does not matter: nothing runs. */
export const NOTHING_SEEN: KernelView = Object.freeze({ started: null, alive: false, exit: null, frozen: false, settingUp: false });

/** Pure: the recorded state and the kernel's view in, the repair out. */
export function reconcileContainer(state: ContainerState, kernel: KernelView): Reconciliation {
  const exited = (code: number, signal: number | null): ContainerCommand =>
    ({ type: 'ReportExited', exitCode: code, signal, oomKilled: false });
  switch (state.status) {
    case 'starting':
      if (kernel.started && (kernel.alive || kernel.exit)) {
        const commands: ContainerCommand[] = [{ type: 'ReportStarted', ...kernel.started }];
        return { commands, resume: 'watch' };
      }
      // The shim is still setting it up (a long copy-up): look again once it has a pid or has gone.
      if (kernel.settingUp) return { commands: [], resume: 'await-start' };
      // The start failed only because the daemon died; a policy that brings the container back
      // with the daemon starts it again (after the cleanup), as it would have had it been running.
      return { commands: [{ type: 'ReportStartFailed', exitCode: 125, error: INTERRUPTED_START }, ...startWithDaemon(state)], resume: 'cleanup' };
    case 'running':
    case 'paused':
    case 'stopping':
      if (kernel.exit) return { commands: [], resume: 'watch' };
      // A stop that the daemon's death interrupted ends the hard way.
      if (kernel.alive) {
        const commands: ContainerCommand[] = state.status === 'stopping' ? [{ type: 'Kill', signal: 'SIGKILL' }] : [];
        return { commands, resume: 'watch', ...(kernel.frozen && state.status !== 'paused' ? { thaw: true } : {}) };
      }
      // Neither a process nor an exit file (the machine rebooted): the exit code is unknown.
      return { commands: [exited(255, null)], resume: null };
    case 'removing':
      return { commands: [], resume: 'remove' };
    case 'exited':
      if (state.config?.autoRemove) return { commands: [{ type: 'Remove', force: false }], resume: null };
      // always and unless-stopped bring a container back when the daemon starts.
      // A fenced container runs elsewhere now: never started again here.
      return { commands: startWithDaemon(state), resume: null };
    case 'restarting':
      return { commands: [], resume: 'restart' };
    default:
      return { commands: [], resume: null };
  }
}

/** The statuses in which a container's cgroup may hold its processes (or is being removed by its own removal). */
const HOLDS_CGROUP: ReadonlySet<ContainerState['status']> = new Set(['starting', 'running', 'paused', 'stopping', 'restarting', 'removing']);

/**
 * Pure: whether a cgroup named after a container id is kept, removed as a leftover (the host
 * knows the container, and it holds no process: created, exited, dead or removed), or unknown
 * to this host (no container of that id here: another engine's, or a history compacted away).
 */
export function cgroupVerdict(status: ContainerState['status'] | undefined): CgroupVerdict {
  if (status === undefined || status === 'none') return 'unknown';
  return HOLDS_CGROUP.has(status) ? 'keep' : 'remove';
}
