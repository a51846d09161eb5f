/** evolve: the volume's data after one event. Pure; used live and in replay. */
import type { VolumeEvent } from '../../events/volume.js';
import type { VolumeData } from './state.js';

export function evolveVolume(data: VolumeData, event: VolumeEvent): VolumeData {
  switch (event.type) {
    case 'volume.created':
      return { ...data, record: event.data, created: event.time, users: [] };
    case 'volume.mounted':
      return data.users.includes(event.data.container) ? data : { ...data, users: [...data.users, event.data.container] };
    case 'volume.unmounted':
      return { ...data, users: data.users.filter((user) => user !== event.data.container) };
    case 'volume.removed':
      return { ...data, users: [] };
  }
}
