/**
 * decide: the only place container rules live. Given the state and a command, it returns the
 * events to record, or throws a classified error and nothing is written.
 */
import type { ContainerCommand } from '../../events/container.js';
import type { Draft } from '../../events/envelope.js';
import type { ContainerEvent } from '../../events/container.js';
import { BerthError, ConflictError, NotFoundError } from '../../events/errors.js';
import { nextDelay, restartsAfterExit } from './restartPolicy.js';
import type { ContainerState } from './state.js';
import { decideRuntime, refusePaused } from './decideRuntime.js';
import { decideFence, decideSelfFenceRecord } from './decideFence.js';
import { hasProcess, isRunning, isUp } from '../../events/containerStatus.js';

export type ContainerDraft = Draft<ContainerEvent>;

const short = (state: ContainerState) => state.id.slice(0, 12);

export function decideContainer(state: ContainerState, command: ContainerCommand): ContainerDraft[] {
  const { status } = state;
  if (status === 'none' && command.type !== 'Create') throw new NotFoundError(`No such container: ${short(state)}`);
  if (status === 'removed') throw new NotFoundError(`No such container: ${short(state)}`);
  switch (command.type) {
    case 'Create':
      if (status !== 'none') throw new ConflictError(`container ${short(state)} already exists`);
      // Neither the user nor the image gave a command (createConfig.ts merges the two).
      if (command.config.cmd.length === 0) throw new BerthError('No command specified');
      return [
        { type: 'container.created', data: command.config },
        ...(command.rescheduledFrom ? [{ type: 'container.rescheduled' as const, data: command.rescheduledFrom }] : []),
      ];
    case 'Fence':
      return decideFence(state, command);
    case 'RecordSelfFence':
      return decideSelfFenceRecord(state, command);
    case 'Start':
      if (command.byRestartPolicy) {
        // The policy's timer: only a container still waiting for it starts; a stop or start in between wins.
        return status === 'restarting' ? [{ type: 'container.starting', data: { byRestartPolicy: true } }] : [];
      }
      if (status === 'running' || status === 'starting') return [];
      if (state.fenced) {
        throw new ConflictError(`container ${short(state)} was rescheduled to host ${state.fenced.host} as ${state.fenced.container.slice(0, 12)}; start that one`);
      }
      if (status === 'created' || status === 'exited' || status === 'restarting') return [{ type: 'container.starting', data: {} }];
      throw new ConflictError(`cannot start container ${short(state)}: it is ${status}`);
    case 'ReportStarted':
      return status === 'starting'
        ? [{ type: 'container.started', data: { pid: command.pid, shimPid: command.shimPid, ...(command.at !== undefined ? { at: command.at } : {}) } }]
        : [];
    case 'ReportStartFailed':
      return status === 'starting'
        ? [{ type: 'container.start_failed', data: { exitCode: command.exitCode, error: command.error } }]
        : [];
    case 'Stop':
      refusePaused(state, 'stop');
      if (status === 'running') {
        return [
          { type: 'container.stopping', data: { timeoutSeconds: command.timeoutSeconds } },
          { type: 'container.killed', data: { signal: command.signal ?? state.config?.stopSignal ?? 'SIGTERM' } },
        ];
      }
      if (status === 'restarting') return [{ type: 'container.stopped', data: {} }];
      if (status === 'removing' || status === 'dead') throw new ConflictError(`cannot stop container ${short(state)}: it is ${status}`);
      return []; // stopping, or not running: Docker treats both as done
    case 'Kill':
      refusePaused(state, 'kill');
      if (status === 'running' || status === 'stopping') return [{ type: 'container.killed', data: { signal: command.signal } }];
      throw new ConflictError(`cannot kill container ${short(state)}: it is not running`);
    case 'ReportExited': {
      if (!hasProcess(status) && status !== 'removing') return [];
      if (status === 'removing' && state.pid === null) return [];
      const died: ContainerDraft = {
        type: 'container.died',
        data: { exitCode: command.exitCode, signal: command.signal, oomKilled: command.oomKilled },
      };
      // Docker's oom comes before the die it causes
      const oom: ContainerDraft[] = command.oomKilled ? [{ type: 'container.oom', data: {} }] : [];
      if (status === 'stopping') return [...oom, died, { type: 'container.stopped', data: {} }];
      if (status === 'running' && restartsAfterExit(state.config?.restartPolicy, command.exitCode, state.restartCount)) {
        const ranFor = (command.at ?? 0) - (state.startedAt ?? 0);
        const delayMs = nextDelay(state.restartDelayMs, ranFor);
        return [...oom, died, { type: 'container.restarting', data: { delayMs, restartCount: state.restartCount + 1 } }];
      }
      return [...oom, died];
    }
    case 'Remove':
      if (status === 'removing') return [];
      if ((isUp(status) || isRunning(status)) && !command.force) {
        throw new ConflictError(
          `cannot remove container ${short(state)}: it is ${status}; stop it first or use rm -f`,
        );
      }
      return [{ type: 'container.removing', data: {} }];
    case 'ReportRemovalFailed':
      return status === 'removing' ? [{ type: 'container.removal_failed', data: { error: command.error } }] : [];
    case 'ReportHealth':
      if ((status !== 'running' && status !== 'paused') || state.health?.status === command.status) return [];
      return [{ type: 'container.health_status', data: { status: command.status, failingStreak: command.failingStreak, output: command.output } }];
    case 'Rename':
      if (status === 'removing') throw new ConflictError(`cannot rename container ${short(state)}: it is being removed`);
      if (command.name === state.config!.name) throw new ConflictError(`Renaming a container with the same name as its current name`);
      return [{ type: 'container.renamed', data: { name: command.name, oldName: state.config!.name } }];
    case 'Update': {
      if (status === 'removing') throw new ConflictError(`cannot update container ${short(state)}: it is being removed`);
      if (state.config!.autoRemove && command.changes.restartPolicy && command.changes.restartPolicy.name !== 'no') {
        throw new ConflictError('Restart policy cannot be updated because AutoRemove is enabled for the container');
      }
      const changes = Object.fromEntries(Object.entries(command.changes).filter(([, v]) => v !== undefined));
      return Object.keys(changes).length ? [{ type: 'container.updated', data: changes }] : [];
    }
    case 'ReportRemoved':
      return status === 'removing' ? [{ type: 'container.destroyed', data: {} }] : [];
    case 'Pause':
    case 'Unpause':
    case 'Exec':
    case 'ReportExecStarted':
    case 'ReportExecExited':
      return decideRuntime(state, command);
  }
}
