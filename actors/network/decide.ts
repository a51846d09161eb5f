/** decide: the only place network rules live, address management (IPAM) among them. */
import type { Draft } from '../../events/envelope.js';
import { ConflictError, NotFoundError, ValidationError } from '../../events/errors.js';
import type { NetworkCommand, NetworkEvent, NetworkRecord } from '../../events/network.js';
import { firstHost, formatAddress, isHostAddress, parseAddress, parseSubnet, subnetSize } from './addresses.js';
import { checkRecord6, lease6 } from './lease6.js';
import type { NetworkState } from './state.js';

export type NetworkDraft = Draft<NetworkEvent>;

export function decideNetwork(state: NetworkState, command: NetworkCommand): NetworkDraft[] {
  if (command.type === 'Create') {
    if (state.status === 'present') throw new ConflictError(`network with name ${command.record.name} already exists`);
    checkRecord(command.record);
    return [{ type: 'network.created', data: command.record }];
  }
  const name = state.record?.name ?? state.id;
  if (state.status !== 'present') {
    if (command.type === 'Disconnect') return [];
    throw new NotFoundError(`network ${name} not found`);
  }
  const record = state.record!;
  switch (command.type) {
    case 'Connect': {
      const existing = state.endpoints[command.container];
      if (existing) {
        if ((command.address !== undefined && command.address !== existing.address) || (command.address6 !== undefined && command.address6 !== existing.address6)) {
          throw new ConflictError(`endpoint with name ${command.containerName} already exists in network ${name}`);
        }
        return []; // already connected: a retried connect
      }
      // An overlay's endpoint names its host and VTEP: the other hosts forward to it by them.
      const place = record.driver === 'overlay' ? overlayPlace(command) : {};
      // A rescheduled container takes over the lease of the one it replaces: same address, so clients find it again.
      const previous = command.replaces !== undefined && command.address === undefined ? state.endpoints[command.replaces] : undefined;
      if (previous) {
        return [{ type: 'network.connected', data: { container: command.container, containerName: command.containerName, address: previous.address, ...(previous.address6 ? { address6: previous.address6 } : {}), aliases: command.aliases, ...place, ...(command.ifname ?? previous.ifname ? { ifname: command.ifname ?? previous.ifname } : {}), replaces: previous.container } }];
      }
      const address = command.address !== undefined ? requested(state, command.address) : lowestFree(state);
      const address6 = lease6(state, command.address6);
      return [{ type: 'network.connected', data: { container: command.container, containerName: command.containerName, address, ...(address6 ? { address6 } : {}), aliases: command.aliases, ...place, ...(command.ifname ? { ifname: command.ifname } : {}) } }];
    }
    case 'Disconnect': {
      const endpoint = state.endpoints[command.container];
      return endpoint ? [{ type: 'network.disconnected', data: { container: command.container, address: endpoint.address } }] : [];
    }
    case 'Remove': {
      if (record.predefined) throw new ValidationError(`${name} is a pre-defined network and cannot be removed`);
      if (Object.keys(state.endpoints).length > 0) {
        throw new ConflictError(`error while removing network: network ${name} id ${record.networkId} has active endpoints`);
      }
      return [{ type: 'network.removed', data: {} }];
    }
  }
}

function overlayPlace(command: Extract<NetworkCommand, { type: 'Connect' }>): { host: string; vtep: string } {
  if (!command.host || !command.vtep || parseAddress(command.vtep) === null) throw new ValidationError('an overlay endpoint needs its host and its VXLAN endpoint address');
  return { host: command.host, vtep: command.vtep };
}

export function checkRecord(record: NetworkRecord): void {
  if (record.driver === 'overlay' && record.vni === undefined) throw new ValidationError(`overlay network ${record.name} has no VXLAN id`);
  const subnet = parseSubnet(record.subnet);
  if (!subnet || subnet.prefix > 30) throw new ValidationError(`invalid subnet ${record.subnet}: an IPv4 CIDR of /30 or wider`);
  const gateway = parseAddress(record.gateway);
  if (gateway === null || !isHostAddress(subnet, gateway)) {
    throw new ValidationError(`no matching subnet for gateway ${record.gateway}`);
  }
  checkRecord6(record);
}

export function taken(state: NetworkState): Set<number> {
  const used = new Set(Object.values(state.endpoints).map((endpoint) => parseAddress(endpoint.address)!));
  used.add(parseAddress(state.record!.gateway)!);
  return used;
}

/** `--ip`: the address asked for, if it is in the subnet and free. */
function requested(state: NetworkState, text: string): string {
  const subnet = parseSubnet(state.record!.subnet)!;
  const address = parseAddress(text);
  if (address === null) throw new ValidationError(`invalid IPv4 address: ${text}`);
  if (!isHostAddress(subnet, address)) {
    throw new ValidationError(`invalid address ${text}: it does not belong to any of this network's subnets (${state.record!.subnet})`);
  }
  if (taken(state).has(address)) throw new ConflictError(`Address already in use: ${text} on network ${state.record!.name}`);
  return text;
}

/** The lowest free host address of the subnet. */
function lowestFree(state: NetworkState): string {
  const subnet = parseSubnet(state.record!.subnet)!;
  const used = taken(state);
  const end = subnet.base + subnetSize(subnet);
  for (let address = firstHost(subnet); address < end; address++) {
    if (!used.has(address) && isHostAddress(subnet, address)) return formatAddress(address);
  }
  throw new ConflictError(`no available IPv4 addresses on this network's address pools: ${state.record!.name} (${state.record!.subnet})`);
}
