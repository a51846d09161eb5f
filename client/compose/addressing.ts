/**
 * A compose network's addresses as `network.create` takes them: every `ipam.config` entry's
 * subnet and gateway (one per family) and `enable_ipv6`, by the same rules as `network create`'s
 * --subnet, --gateway and --ipv6. Pure; throws ValidationError on what the engine would refuse.
 */
import type { Network } from './model.js';
import { subnetFlags, type Addressing } from '../subnetFlags.js';

export function networkAddressing(network: Pick<Network, 'enable_ipv6' | 'ipam'>): Addressing {
  const config = network.ipam?.config ?? [];
  return subnetFlags(config.flatMap((entry) => (entry.subnet ? [entry.subnet] : [])), config.flatMap((entry) => (entry.gateway ? [entry.gateway] : [])), network.enable_ipv6 ?? false);
}
