/** evolve: the name's data after one event. Pure; used live and in replay. */
import type { NameEvent } from '../../events/name.js';
import type { NameData } from './state.js';

export function evolveName(data: NameData, event: NameEvent): NameData {
  const { namespace, name, owner } = event.data;
  switch (event.type) {
    case 'name.claimed':
      return { ...data, namespace, name, owner, releasedAt: null };
    case 'name.released':
      return { ...data, namespace, name, owner: null, releasedAt: event.time };
  }
}
