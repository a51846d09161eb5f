/**
 * The container rules of pause, unpause and exec (a part of decide, kept apart so that each
 * file stays small). Pure: the state and a command in, the events out, or a classified error.
 */
import type { ContainerCommand } from '../../events/container.js';
import { ConflictError } from '../../events/errors.js';
import type { ContainerDraft } from './decide.js';
import type { ContainerState } from './state.js';

export type RuntimeCommand = Extract<ContainerCommand, { type: 'Pause' | 'Unpause' | 'Exec' | 'ReportExecStarted' | 'ReportExecExited' }>;

const short = (state: ContainerState) => state.id.slice(0, 12);

export function decideRuntime(state: ContainerState, command: RuntimeCommand): ContainerDraft[] {
  const { status } = state;
  switch (command.type) {
    case 'Pause':
      if (status === 'paused') throw new ConflictError(`Container ${short(state)} is already paused`);
      if (status !== 'running') throw new ConflictError(`Container ${short(state)} is not running`);
      return [{ type: 'container.paused', data: {} }];
    case 'Unpause':
      if (status !== 'paused') throw new ConflictError(`Container ${short(state)} is not paused`);
      return [{ type: 'container.unpaused', data: {} }];
    case 'Exec':
      if (status === 'paused') throw new ConflictError(`Container ${short(state)} is paused, unpause the container before exec`);
      if (status !== 'running') throw new ConflictError(`Container ${short(state)} is not running`);
      return [{ type: 'container.exec_created', data: command.exec }];
    case 'ReportExecStarted':
      return [{ type: 'container.exec_started', data: { execId: command.execId, pid: command.pid } }];
    case 'ReportExecExited':
      return [{
        type: 'container.exec_died',
        data: { execId: command.execId, exitCode: command.exitCode, ...(command.error !== undefined ? { error: command.error } : {}) },
      }];
  }
}

/** Stop and kill wait for unpause, as in Docker. */
export function refusePaused(state: ContainerState, verb: string): void {
  if (state.status === 'paused') {
    throw new ConflictError(`cannot ${verb} container ${short(state)}: it is paused; unpause the container before stopping or killing`);
  }
}
