/**
 * The container rule of fencing (a part of decide): a returning host stops a container that
 * was rescheduled elsewhere while the host was fenced. Pure. The `container.fenced` event
 * records why and where the replacement runs; the container is then stopped as by `stop`
 * (so the restart policy does not bring it back), and a fenced container never starts again
 * by itself (reconcile.ts) nor by a user's start (decide.ts refuses it).
 */
import type { ContainerCommand } from '../../events/container.js';
import type { ContainerDraft } from './decide.js';
import type { ContainerState } from './state.js';

/** How long a duplicate is given to stop before SIGKILL, as `docker stop`'s default. */
export const FENCE_STOP_TIMEOUT_SECONDS = 10;

export function decideFence(state: ContainerState, command: Extract<ContainerCommand, { type: 'Fence' }>): ContainerDraft[] {
  if (state.fenced || state.status === 'removing' || state.status === 'dead') return [];
  const fenced: ContainerDraft = { type: 'container.fenced', data: { reason: command.reason, host: command.host, container: command.container } };
  const stop: ContainerDraft[] = [
    { type: 'container.stopping', data: { timeoutSeconds: FENCE_STOP_TIMEOUT_SECONDS } },
    { type: 'container.killed', data: { signal: state.config?.stopSignal ?? 'SIGTERM' } },
  ];
  switch (state.status) {
    case 'running':
      return [fenced, ...stop];
    case 'paused':
      // Thawed first: a frozen process cannot take the stop signal.
      return [fenced, { type: 'container.unpaused', data: {} }, ...stop];
    case 'restarting':
      return [fenced, { type: 'container.stopped', data: {} }];
    default:
      // created, exited, stopping (already on its way down), starting (the start's outcome
      // still comes; reconcile never leaves one starting at a daemon's start).
      return [fenced];
  }
}

/** A self-fence is recorded on a container that still exists (a removal while it was frozen leaves nothing to say). */
export function decideSelfFenceRecord(state: ContainerState, command: Extract<ContainerCommand, { type: 'RecordSelfFence' }>): ContainerDraft[] {
  if (state.status === 'none' || state.status === 'removed') return [];
  return [{ type: 'container.self_fenced', data: command.selfFence }];
}
