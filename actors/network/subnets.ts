/**
 * Which subnet a network gets when none is given: the first of Docker's default pools that
 * overlaps no route of the host and no other network. Pure; the routes are read by the caller.
 */
import { formatSubnet, overlaps, parseSubnet, type Subnet } from './addresses.js';

/** Docker's default address pools, in its order: 172.17-31.0.0/16, then 192.168.0-240.0/20. */
export function defaultPools(): Subnet[] {
  const pools: Subnet[] = [];
  for (let second = 17; second <= 31; second++) pools.push(parseSubnet(`172.${second}.0.0/16`)!);
  for (let third = 0; third <= 240; third += 16) pools.push(parseSubnet(`192.168.${third}.0/20`)!);
  return pools;
}

/** The first pool that overlaps none of `inUse` (route destinations and subnets, CIDR or plain addresses), or null. */
export function chooseSubnet(inUse: string[], pools = defaultPools()): string | null {
  const taken = inUse.map((text) => parseSubnet(text.includes('/') ? text : `${text}/32`)).filter((subnet): subnet is Subnet => subnet !== null && subnet.prefix > 0);
  const free = pools.find((pool) => !taken.some((subnet) => overlaps(pool, subnet)));
  return free ? formatSubnet(free) : null;
}
