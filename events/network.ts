/** Network commands and events: the one declaration of each. An endpoint's address is its lease. */
import * as z from 'zod';
import { eventSchema } from './envelope.js';
import { lazySchema } from './lazySchema.js';

/** Docker's rule for network names. */
export const NETWORK_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** What a network is, fixed when it is created. */
export const NetworkRecord = lazySchema(() => z.object({
  /** The network's name, unique on its host. */
  name: z.string().regex(NETWORK_NAME),
  /** Docker's network id: 64 random hex, new for each creation of a name. */
  networkId: z.string().regex(/^[0-9a-f]{64}$/),
  /** bridge: this host's; overlay: the cluster's, its events under the cluster scope (CLUSTER_SCOPE). */
  driver: z.enum(['bridge', 'overlay']),
  /** An overlay network's VXLAN id, the same on every host. */
  vni: z.number().int().min(1).max(16_777_215).optional(),
  /** IPv4 subnet in CIDR form, e.g. 172.18.0.0/16. */
  subnet: z.string(),
  /** The bridge's own address in the subnet, the containers' default route. */
  gateway: z.string(),
  /** --ipv6: the IPv6 subnet (CIDR), given or the host's next ULA /64; absent: an IPv4-only network. */
  subnet6: z.string().optional(),
  /** The bridge's IPv6 address in subnet6, the containers' IPv6 default route. */
  gateway6: z.string().optional(),
  /** The host link (bridge) the containers' veths join. */
  bridge: z.string(),
  /** No route out: no masquerade, no forwarding to other links. */
  internal: z.boolean(),
  labels: z.record(z.string(), z.string()),
  /** -o key=value, recorded as given. */
  options: z.record(z.string(), z.string()),
  /** Docker's default `bridge` network: no name resolution, cannot be removed by the user. */
  predefined: z.boolean(),
}));
export type NetworkRecord = z.infer<typeof NetworkRecord>;

/** A container's place on a network. */
export const Endpoint = lazySchema(() => z.object({
  container: z.string(),
  /** The container's name when it connected, the first name others resolve it by. */
  containerName: z.string(),
  /** The leased IPv4 address (no prefix). */
  address: z.string(),
  /** The leased IPv6 address (no prefix), on a network with subnet6. */
  address6: z.string().optional(),
  /** --network-alias / connect --alias names. */
  aliases: z.array(z.string()),
  /** On an overlay network: the host that runs the container, and its VXLAN endpoint (the data interface's address). */
  host: z.string().optional(),
  vtep: z.string().optional(),
  /** Its interface in the container's netns (eth0, eth1...); absent in logs written before it was recorded. */
  ifname: z.string().optional(),
}));
export type Endpoint = z.infer<typeof Endpoint>;

/**
 * A lease taken: the endpoint, and on a takeover the container whose lease (address and all)
 * passes to this one (a container rescheduled from a fenced host replacing it).
 */
export const Lease = lazySchema(() => Endpoint.extend({ replaces: z.string().optional() }));
export type Lease = z.infer<typeof Lease>;

export const NetworkCreated = lazySchema(() => eventSchema('network.created', NetworkRecord));
/** The container joined the network, and its address is leased to it until it disconnects. */
export const NetworkConnected = lazySchema(() => eventSchema('network.connected', Lease));
/** The container left the network (disconnect, or its removal): its address is free again. */
export const NetworkDisconnected = lazySchema(() => eventSchema('network.disconnected', z.object({ container: z.string(), address: z.string() })));
export const NetworkRemoved = lazySchema(() => eventSchema('network.removed', z.object({})));

export const NetworkEvent = lazySchema(() => z.discriminatedUnion('type', [NetworkCreated, NetworkConnected, NetworkDisconnected, NetworkRemoved]));
export type NetworkEvent = z.infer<typeof NetworkEvent>;

export const NetworkCommand = lazySchema(() => z.discriminatedUnion('type', [
  z.object({ type: z.literal('Create'), record: NetworkRecord }),
  /** Leases `address` if given (--ip), else the lowest free one (and on an IPv6 network `address6`, --ip6, likewise); `ifname` is recorded as the endpoint's interface. */
  z.object({ type: z.literal('Connect'), container: z.string(), containerName: z.string(), address: z.string().optional(), address6: z.string().optional(), aliases: z.array(z.string()), host: z.string().optional(), vtep: z.string().optional(),
    ifname: z.string().optional(),
    /** The container this one replaces (rescheduled from a fenced host): its lease passes to the new one, address and all. */
    replaces: z.string().optional() }),
  z.object({ type: z.literal('Disconnect'), container: z.string() }),
  /** Refused while containers are connected, and for the predefined network. */
  z.object({ type: z.literal('Remove') }),
]));
export type NetworkCommand = z.infer<typeof NetworkCommand>;
