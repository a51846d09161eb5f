/** decide: the only place volume rules live. */
import type { Draft } from '../../events/envelope.js';
import { ConflictError, NotFoundError } from '../../events/errors.js';
import type { VolumeCommand, VolumeEvent } from '../../events/volume.js';
import type { VolumeState } from './state.js';

export type VolumeDraft = Draft<VolumeEvent>;

export function decideVolume(state: VolumeState, command: VolumeCommand): VolumeDraft[] {
  if (command.type === 'Create') {
    // Creating a volume that exists is not an error (Docker returns the existing one).
    if (state.status === 'present') return [];
    return [{ type: 'volume.created', data: command.record }];
  }
  const name = state.record?.name ?? state.id;
  if (state.status !== 'present') {
    if (command.type === 'Unmount') return [];
    throw new NotFoundError(`No such volume: ${name}`);
  }
  switch (command.type) {
    case 'Mount':
      return state.users.includes(command.container)
        ? []
        : [{ type: 'volume.mounted', data: { container: command.container, destination: command.destination } }];
    case 'Unmount':
      return state.users.includes(command.container) ? [{ type: 'volume.unmounted', data: { container: command.container } }] : [];
    case 'Remove':
      if (state.users.length > 0 && !command.force) {
        throw new ConflictError(`remove ${name}: volume is in use - [${state.users.join(', ')}]`);
      }
      return [{ type: 'volume.removed', data: { force: state.users.length > 0 } }];
  }
}
