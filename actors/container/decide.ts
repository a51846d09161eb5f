/**
 * decide: the only place container rules live. Given the state and a command, it returns the
 * events to record, or throws a classified error and nothing is written.
 */
import type { ContainerCommand } from '../../events/container.js';
import type { Draft } from '../../events/envelope.js';
import type { ContainerEvent } from '../../events/container.js';
import { ConflictError, IllegalStateError, NotFoundError } from '../../events/errors.js';
import type { ContainerState } from './state.js';

export type ContainerDraft = Draft<ContainerEvent>;

const short = (state: ContainerState) => state.id.slice(0, 12);

export function decideContainer(state: ContainerState, command: ContainerCommand): ContainerDraft[] {
  const { status } = state;
  if (status === 'none' && command.type !== 'Create') throw new NotFoundError(`No such container: ${short(state)}`);
  if (status === 'removed') throw new NotFoundError(`No such container: ${short(state)}`);
  switch (command.type) {
    case 'Create':
      if (status !== 'none') throw new ConflictError(`container ${short(state)} already exists`);
      return [{ type: 'container.created', data: command.config }];
    case 'Start':
      if (status === 'running' || status === 'starting') return [];
      if (status === 'created' || status === 'exited') return [{ type: 'container.starting', data: {} }];
      throw new IllegalStateError(`cannot start container ${short(state)}: it is ${status}`);
    case 'ReportStarted':
      return status === 'starting' ? [{ type: 'container.started', data: { pid: command.pid, shimPid: command.shimPid } }] : [];
    case 'ReportStartFailed':
      return status === 'starting'
        ? [{ type: 'container.start_failed', data: { exitCode: command.exitCode, error: command.error } }]
        : [];
    case 'Stop':
      if (status === 'running') {
        return [
          { type: 'container.stopping', data: { timeoutSeconds: command.timeoutSeconds } },
          { type: 'container.killed', data: { signal: 'SIGTERM' } },
        ];
      }
      if (status === 'removing' || status === 'dead') throw new IllegalStateError(`cannot stop container ${short(state)}: it is ${status}`);
      return []; // stopping, or not running: Docker treats both as done
    case 'Kill':
      if (status === 'running' || status === 'stopping') return [{ type: 'container.killed', data: { signal: command.signal } }];
      throw new ConflictError(`cannot kill container ${short(state)}: it is not running`);
    case 'ReportExited': {
      if (status !== 'running' && status !== 'stopping' && status !== 'removing') return [];
      if (status === 'removing' && state.pid === null) return [];
      const died: ContainerDraft = {
        type: 'container.died',
        data: { exitCode: command.exitCode, signal: command.signal, oomKilled: command.oomKilled },
      };
      return status === 'stopping' ? [died, { type: 'container.stopped', data: {} }] : [died];
    }
    case 'Remove':
      if (status === 'removing') return [];
      if ((status === 'running' || status === 'stopping' || status === 'starting') && !command.force) {
        throw new ConflictError(
          `cannot remove container ${short(state)}: it is ${status}; stop it first or use rm -f`,
        );
      }
      return [{ type: 'container.removing', data: {} }];
    case 'ReportRemoved':
      return status === 'removing' ? [{ type: 'container.destroyed', data: {} }] : [];
  }
}
