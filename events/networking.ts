/** A container's networking: what `run --network ...` asks for, and what its config records. */
import * as z from 'zod';
import { PortRequest, PublishedPort } from './ports.js';
import { lazySchema } from './lazySchema.js';

/** As the client sends it (cli/networkFlags.ts). */
export const NetworkingSpec = lazySchema(() => z.object({
  /** --network: a network's name, bridge, none, host or container:NAME; absent: the daemon's default. */
  network: z.string().min(1).optional(),
  /** --ip on the first network. */
  ip: z.string().optional(),
  /** --ip6 on the first network (an IPv6 one). */
  ip6: z.string().optional(),
  /** --network-alias on the first network. */
  aliases: z.array(z.string()),
  /** --add-host HOST:IP. */
  extraHosts: z.array(z.string()),
  dns: z.array(z.string()),
  dnsSearch: z.array(z.string()),
  dnsOptions: z.array(z.string()),
  /** -p: the ports to publish. */
  ports: z.array(PortRequest).optional(),
  /** -P: every port the image exposes, each on a free host port. */
  publishAll: z.boolean().optional(),
}));
export type NetworkingSpec = z.infer<typeof NetworkingSpec>;

/** One network the container is on; its address is the network's lease (events/network.ts). */
export const NetworkAttachment = lazySchema(() => z.object({ network: z.string(), aliases: z.array(z.string()), ip: z.string().optional(), ip6: z.string().optional() }));
export type NetworkAttachment = z.infer<typeof NetworkAttachment>;

/** As the container's config records it. */
export const Networking = lazySchema(() => z.object({
  /** networks: the attachments below; container: another container's netns. (none/host: security.network.) */
  mode: z.enum(['networks', 'container']),
  networks: z.array(NetworkAttachment),
  /** mode container: the id of the container whose netns is joined. */
  container: z.string().optional(),
  extraHosts: z.array(z.string()),
  dns: z.array(z.string()),
  dnsSearch: z.array(z.string()),
  dnsOptions: z.array(z.string()),
  /** The published ports, host ports chosen (actors/network/ports.ts). */
  ports: z.array(PublishedPort).optional(),
  /** -P was given (HostConfig.PublishAllPorts). */
  publishAll: z.boolean().optional(),
}));
export type Networking = z.infer<typeof Networking>;
