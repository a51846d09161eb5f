/**
 * Overlay networks' rules, pure: which hosts hold an overlay (those with a container on it), the
 * peers a host's VXLAN device must know (every other host's endpoints, from the log), the VXLAN
 * id and link names, and the default subnets (Docker Swarm's: /24s of 10.0.0.0/8).
 */
import type { Endpoint, NetworkRecord } from '../../events/network.js';
import type { OverlayPeer } from '../../runtime/network/kernel.js';
import { macFor, parseSubnet, type Subnet } from './addresses.js';
import type { NetworkState } from './state.js';

export const isOverlay = (record: NetworkRecord | null): boolean => record?.driver === 'overlay';

/** The endpoints of the containers `host` runs. */
export function localEndpoints(state: NetworkState, host: string): Endpoint[] {
  return Object.values(state.endpoints).filter((endpoint) => endpoint.host === host);
}

/** Whether `host` holds the network's bridge: a bridge network always, an overlay while a container of `host` is on it. */
export function heldHere(state: NetworkState, host: string): boolean {
  return !isOverlay(state.record) || localEndpoints(state, host).length > 0;
}

/** What `host`'s VXLAN device must know: each endpoint of another host, with that host's VTEP. */
export function overlayPeers(state: NetworkState, host: string, ownVtep: string): OverlayPeer[] {
  return Object.values(state.endpoints)
    .filter((endpoint) => endpoint.host !== host && endpoint.vtep && endpoint.vtep !== ownVtep)
    .map((endpoint) => ({ address: endpoint.address, mac: macFor(endpoint.address), vtep: endpoint.vtep! }))
    .sort((a, b) => a.address.localeCompare(b.address));
}

/** The VXLAN id of an overlay: from its random network id, above the 4096 that VLAN-minded tools use. */
export function overlayVni(networkId: string): number {
  return 4096 + (parseInt(networkId.slice(0, 6), 16) % (16_777_215 - 4096));
}

/** The VXLAN device's name on every host: 15 characters at most. */
export function vxlanName(networkId: string): string {
  return `vx-${networkId.slice(0, 12)}`;
}

/** Docker Swarm's default address pool: 10.0.0.0/8 in /24s. */
export function overlayPools(): Subnet[] {
  const pools: Subnet[] = [];
  for (let second = 0; second <= 255; second++) {
    for (let third = 0; third <= 255 && pools.length < 4096; third++) pools.push(parseSubnet(`10.${second}.${third}.0/24`)!);
  }
  return pools;
}
