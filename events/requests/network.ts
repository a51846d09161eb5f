/** Network requests (berth.cmd.<host>.network) and their results. */
import * as z from 'zod';
import { lazySchema } from '../lazySchema.js';

/** One container on a network, as `network inspect` shows it. */
export const EndpointView = lazySchema(() => z.object({
  container: z.string(),
  name: z.string(),
  address: z.string(),
  prefix: z.number(),
  mac: z.string(),
  /** On an IPv6 network: the IPv6 lease and its subnet's prefix. */
  address6: z.string().optional(),
  prefix6: z.number().optional(),
  aliases: z.array(z.string()),
}));

/** What `network ls` and `network inspect` show. */
export const NetworkView = lazySchema(() => z.object({
  name: z.string(),
  id: z.string(),
  host: z.string(),
  driver: z.string(),
  created: z.number(),
  subnet: z.string(),
  gateway: z.string(),
  /** An IPv6 network's subnet and gateway (EnableIPv6). */
  subnet6: z.string().optional(),
  gateway6: z.string().optional(),
  bridge: z.string(),
  internal: z.boolean(),
  labels: z.record(z.string(), z.string()),
  options: z.record(z.string(), z.string()),
  endpoints: z.array(EndpointView),
}));
export type NetworkView = z.infer<typeof NetworkView>;

const Name = lazySchema(() => z.string().min(1));

export const networkRequests = {
  'network.create': lazySchema(() => z.object({
    op: z.literal('network.create'),
    name: Name,
    driver: z.string(),
    subnet: z.string().optional(),
    gateway: z.string().optional(),
    /** --ipv6: an IPv6 subnet too (subnet6, else the host's next ULA /64); a subnet6 alone implies it. */
    ipv6: z.boolean().optional(),
    subnet6: z.string().optional(),
    gateway6: z.string().optional(),
    internal: z.boolean(),
    labels: z.record(z.string(), z.string()),
    options: z.record(z.string(), z.string()),
  })),
  'network.list': lazySchema(() => z.object({ op: z.literal('network.list') })),
  /** By name, or by a prefix of its id. */
  'network.inspect': lazySchema(() => z.object({ op: z.literal('network.inspect'), ref: Name })),
  'network.remove': lazySchema(() => z.object({ op: z.literal('network.remove'), ref: Name })),
  /** Removes every user-defined network no container is on; `labels` filter (k or k=v). */
  /** Docker's prune filters: label=KEY[=VALUE] (all must match), label!=KEY[=VALUE] (none may), until (created before, ms since the epoch). */
  'network.prune': lazySchema(() => z.object({ op: z.literal('network.prune'), labels: z.array(z.string()), notLabels: z.array(z.string()).optional(), untilMs: z.number().optional() })),
  'network.connect': lazySchema(() => z.object({ op: z.literal('network.connect'), ref: Name, container: Name, aliases: z.array(z.string()), ip: z.string().optional(), ip6: z.string().optional() })),
  'network.disconnect': lazySchema(() => z.object({ op: z.literal('network.disconnect'), ref: Name, container: Name, force: z.boolean() })),
};

export const networkResults = {
  'network.create': NetworkView,
  'network.list': lazySchema(() => z.array(NetworkView)),
  'network.inspect': NetworkView,
  'network.remove': lazySchema(() => z.object({ name: z.string() })),
  'network.prune': lazySchema(() => z.object({ removed: z.array(z.string()) })),
  'network.connect': lazySchema(() => z.object({ name: z.string() })),
  'network.disconnect': lazySchema(() => z.object({ name: z.string() })),
};
