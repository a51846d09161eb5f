/** evolve: the network's data after one event. Pure; used live and in replay. */
import type { NetworkEvent } from '../../events/network.js';
import type { NetworkData } from './state.js';

export function evolveNetwork(data: NetworkData, event: NetworkEvent): NetworkData {
  switch (event.type) {
    case 'network.created':
      return { ...data, record: event.data, created: event.time, endpoints: {} };
    case 'network.connected': {
      // A takeover: the replaced container's lease passes to this one.
      const { replaces, ...endpoint } = event.data;
      const { [replaces ?? '']: _replaced, ...others } = data.endpoints;
      return { ...data, endpoints: { ...others, [endpoint.container]: endpoint } };
    }
    case 'network.disconnected': {
      const { [event.data.container]: _gone, ...endpoints } = data.endpoints;
      return { ...data, endpoints };
    }
    case 'network.removed':
      return { ...data, endpoints: {} };
  }
}
