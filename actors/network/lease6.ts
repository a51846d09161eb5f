/** The IPv6 half of a network's address management (decide.ts): its subnet checked, its leases chosen. Pure. */
import { ConflictError, ValidationError } from '../../events/errors.js';
import type { NetworkRecord } from '../../events/network.js';
import { firstHost6, formatAddress6, isHostAddress6, parseAddress6, parseSubnet6 } from './addresses6.js';
import type { NetworkState } from './state.js';

/** How many addresses past the lowest free one a lease looks at before calling the subnet full (a /64 never fills). */
const SEARCH_LIMIT = 1n << 20n;

/** A record's IPv6 half: absent, or a subnet of /126 or wider holding its gateway; IPv6 is for bridge networks. */
export function checkRecord6(record: NetworkRecord): void {
  if (record.subnet6 === undefined) {
    if (record.gateway6 !== undefined) throw new ValidationError(`no matching subnet for gateway ${record.gateway6}`);
    return;
  }
  if (record.driver !== 'bridge') throw new ValidationError(`IPv6 is supported on bridge networks only, not on ${record.driver} network ${record.name}`);
  const subnet = parseSubnet6(record.subnet6);
  if (!subnet || subnet.prefix > 126) throw new ValidationError(`invalid subnet ${record.subnet6}: an IPv6 CIDR of /126 or wider`);
  const gateway = record.gateway6 === undefined ? null : parseAddress6(record.gateway6);
  if (gateway === null || !isHostAddress6(subnet, gateway)) throw new ValidationError(`no matching subnet for gateway ${record.gateway6 ?? ''}`);
}

/**
 * A new endpoint's IPv6 address: none on an IPv4-only network (where --ip6 is refused), the one
 * asked for (--ip6) if it is in the subnet and free, else the lowest free one after the gateway.
 */
export function lease6(state: NetworkState, asked: string | undefined): string | undefined {
  const record = state.record!;
  if (record.subnet6 === undefined) {
    if (asked !== undefined) throw new ValidationError(`invalid address ${asked}: network ${record.name} has no IPv6 subnet (create it with --ipv6)`);
    return undefined;
  }
  const subnet = parseSubnet6(record.subnet6)!;
  const used = new Set(Object.values(state.endpoints).flatMap((endpoint) => (endpoint.address6 ? [parseAddress6(endpoint.address6)!] : [])));
  used.add(parseAddress6(record.gateway6!)!);
  if (asked !== undefined) {
    const address = parseAddress6(asked);
    if (address === null) throw new ValidationError(`invalid IPv6 address: ${asked}`);
    if (!isHostAddress6(subnet, address)) throw new ValidationError(`invalid address ${asked}: it does not belong to any of this network's subnets (${record.subnet6})`);
    if (used.has(address)) throw new ConflictError(`Address already in use: ${asked} on network ${record.name}`);
    return formatAddress6(address);
  }
  const first = firstHost6(subnet);
  for (let address = first; address < first + SEARCH_LIMIT && isHostAddress6(subnet, address); address++) {
    if (!used.has(address)) return formatAddress6(address);
  }
  throw new ConflictError(`no available IPv6 addresses on this network's address pools: ${record.name} (${record.subnet6})`);
}
