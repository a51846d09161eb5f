/**
 * A cluster network's state as the fold of its events in the stream's total order, pure: every
 * daemon folds the same events in the same order with this rule, so every daemon agrees on who
 * holds which address. No append is trusted for being in the log; each is judged here:
 *
 * - On the network's record subject (any host may write it): its creation, when it is not
 *   present; its removal, when no lease is held. A lease there is ignored.
 * - On a host's claim subject (only that host may write it: the server's permissions): that
 *   host's leases. A claim is the host's own: the endpoint's `host` must be the claimant. The
 *   first claim of an address wins; a later one for an address held (or the gateway, or one
 *   outside the subnet) is ignored, and its host claims again. A release is valid only from the
 *   host that holds the lease.
 * - A takeover (a claim with `replaces`) moves another host's lease only to the replacement
 *   the fence records name: the replaced container of that fenced host, rescheduled to the
 *   claimant as this container, at the same address.
 */
import type { Lease, NetworkEvent } from '../../events/network.js';
import type { Replacement } from '../../events/fence.js';
import { checkRecord, taken } from './decide.js';
import { evolveNetwork } from './evolve.js';
import { isHostAddress, parseAddress, parseSubnet } from './addresses.js';
import type { NetworkState } from './state.js';

/** A replacement as a fence record names it, with the fenced host it came from. */
export type Takeover = Pick<Replacement, 'container' | 'host' | 'id'> & { fromHost: string };

/** What the fold made of one event: the state after it, and why it was ignored if it was. */
export interface Folded {
  state: NetworkState;
  ignored?: string;
}

/**
 * One event folded: `claimant` is the host of the claim subject it was stored on (null: the
 * record subject); `takeover` is what the fence records say of the claimed container, if anything.
 */
export function foldClusterEvent(state: NetworkState, event: NetworkEvent, claimant: string | null, takeover?: Takeover): Folded {
  const ignored = (why: string): Folded => ({ state, ignored: why });
  const applied = (status: NetworkState['status'] = state.status): Folded => ({ state: { ...evolveNetwork(state, event), status } });
  if (claimant === null) {
    switch (event.type) {
      case 'network.created':
        if (state.status === 'present') return ignored('the network exists already');
        if (event.data.driver !== 'overlay') return ignored('not an overlay');
        try { checkRecord(event.data); } catch (error) { return ignored((error as Error).message); }
        return applied('present');
      case 'network.removed':
        if (state.status !== 'present') return ignored('no such network');
        if (Object.keys(state.endpoints).length > 0) return ignored('leases are held');
        return applied('removed');
      default:
        return ignored('a lease on the record subject, which any host may write');
    }
  }
  if (state.status !== 'present') return ignored('no such network');
  switch (event.type) {
    case 'network.connected':
      return foldClaim(state, event.data, claimant, takeover) ?? applied();
    case 'network.disconnected': {
      const endpoint = state.endpoints[event.data.container];
      if (!endpoint) return ignored('no such lease');
      if (endpoint.host !== claimant) return ignored(`the lease is ${endpoint.host ?? 'no host'}'s, not ${claimant}'s`);
      if (endpoint.address !== event.data.address) return ignored('not the address leased');
      return applied();
    }
    default:
      return ignored('a record event on a claim subject');
  }
}

/** Why a claim is void, or null when it holds. */
function foldClaim(state: NetworkState, lease: Lease, claimant: string, takeover: Takeover | undefined): Folded | null {
  const ignored = (why: string): Folded => ({ state, ignored: why });
  if (lease.host !== claimant) return ignored(`a claim by ${claimant} for host ${lease.host ?? 'none'}`);
  if (!lease.vtep || parseAddress(lease.vtep) === null) return ignored('no VXLAN endpoint');
  if (state.endpoints[lease.container]) return ignored('the container holds a lease already');
  const address = parseAddress(lease.address);
  if (address === null || !isHostAddress(parseSubnet(state.record!.subnet)!, address)) return ignored(`${lease.address} is not an address of ${state.record!.subnet}`);
  if (lease.replaces !== undefined) {
    const previous = state.endpoints[lease.replaces];
    if (!previous) return ignored('nothing to take over');
    const named = takeover && takeover.container === lease.replaces && takeover.fromHost === previous.host && takeover.host === claimant && takeover.id === lease.container;
    if (!named) return ignored(`no fence record reschedules ${lease.replaces.slice(0, 12)} to ${claimant} as ${lease.container.slice(0, 12)}`);
    if (previous.address !== lease.address) return ignored('a takeover keeps the address');
    return null;
  }
  if (taken(state).has(address)) return ignored(`${lease.address} is held (an earlier claim won)`);
  return null;
}
