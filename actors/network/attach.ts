/**
 * A new container's networking: what its --network and companion flags resolve to (Docker's
 * rules), and its leases, taken before the container is created so that a refused address
 * creates nothing. A crash between the two leaves a lease of a container that does not exist,
 * which the next start releases (Networks.start).
 */
import { ValidationError } from '../../events/errors.js';
import type { Networking } from '../../events/networking.js';
import type { ExposedPort } from '../../events/ports.js';
import type { CreateSpec } from '../../events/requests.js';
import type { Host } from '../host.js';
import { resolveContainer } from '../resolve.js';
import { DEFAULT_NETWORK } from './networks.js';
import { exposedRequests } from './ports.js';

/** The config's networking for a create spec; undefined: none or host (security.network). */
export function resolveNetworking(host: Host, spec: CreateSpec): Networking | undefined {
  const flags = spec.networking;
  const requested = flags?.network ?? (spec.security?.network ? undefined : host.networks.defaultBridge ? DEFAULT_NETWORK : undefined);
  if (requested === undefined || spec.security?.network) return undefined;
  const common = { extraHosts: flags?.extraHosts ?? [], dns: flags?.dns ?? [], dnsSearch: flags?.dnsSearch ?? [], dnsOptions: flags?.dnsOptions ?? [] };
  if (requested.startsWith('container:')) {
    if (flags?.ports?.length || flags?.publishAll) throw new ValidationError('conflicting options: port publishing and the container type network mode');
    if (flags?.ip || flags?.ip6 || flags?.aliases.length) throw new ValidationError('conflicting options: --ip, --ip6 and --network-alias cannot be used with --network container:');
    return { mode: 'container', networks: [], container: resolveContainer(host, requested.slice('container:'.length)).id, ...common };
  }
  const network = host.networks.resolve(requested);
  const record = network.state.record!;
  if (record.predefined && flags?.aliases.length) throw new ValidationError('network-scoped alias is supported only for containers in user defined networks');
  if (record.predefined && (flags?.ip || flags?.ip6)) throw new ValidationError('user specified IP address is supported on user defined networks only');
  return { mode: 'networks', networks: [{ network: record.name, aliases: flags?.aliases ?? [], ...(flags?.ip ? { ip: flags.ip } : {}), ...(flags?.ip6 ? { ip6: flags.ip6 } : {}) }], ...common };
}

/** Docker's warning for ports published with host networking; they are discarded, as with none (silently). */
export const HOST_MODE_PORTS_WARNING = 'Published ports are discarded when using host network mode';

/** The warnings of a create spec's networking, as Docker's create returns them. */
export function networkingWarnings(spec: CreateSpec): string[] {
  return spec.security?.network === 'host' && spec.networking?.ports?.length ? [HOST_MODE_PORTS_WARNING] : [];
}

/**
 * The host ports of a new container's -p and -P (its exposed ports: exposedPorts), reserved
 * until `host.networks.publishing.release(id)`; the networking with them recorded.
 */
export async function reservePorts(host: Host, id: string, spec: CreateSpec, networking: Networking | undefined, exposed: ExposedPort[]): Promise<Networking | undefined> {
  const requests = spec.networking?.ports ?? [];
  const publishAll = spec.networking?.publishAll ?? false;
  if (!networking || networking.mode !== 'networks' || (requests.length === 0 && !publishAll)) return networking;
  const ports = await host.networks.publishing.reserve(id, requests, publishAll ? exposedRequests(exposed, requests) : []);
  return { ...networking, ports, ...(publishAll ? { publishAll } : {}) };
}

/** Leases the container's addresses (one connect per network). */
export async function leaseAddresses(host: Host, id: string, name: string, networking: Networking | undefined, requestId: string): Promise<void> {
  for (const [index, attachment] of (networking?.networks ?? []).entries()) {
    const network = host.networks.byName(attachment.network);
    await network.execute(
      { type: 'Connect', container: id, containerName: name, aliases: attachment.aliases, ifname: `eth${index}`, ...(attachment.ip ? { address: attachment.ip } : {}), ...(attachment.ip6 ? { address6: attachment.ip6 } : {}), ...await host.networks.placeOn(network) },
      { id: `${requestId}.connect.${attachment.network}`, correlation: requestId },
    );
  }
}

/**
 * The leases of a container rescheduled from a fenced host: on each overlay network of its
 * config, the lease of the container it replaces passes to it (same address). A host's own
 * networks are not the new host's: the replacement is not leased on them, as before.
 */
export async function takeOverLeases(host: Host, id: string, name: string, networking: Networking | undefined, replaces: string, requestId: string): Promise<void> {
  for (const attachment of networking?.networks ?? []) {
    const network = host.networks.cluster.byName(attachment.network);
    if (network.state.status !== 'present') continue;
    await network.execute(
      { type: 'Connect', container: id, containerName: name, aliases: attachment.aliases, replaces, ...await host.networks.placeOn(network) },
      { id: `${requestId}.takeover.${attachment.network}`, correlation: requestId },
    );
  }
}

/** Undoes leaseAddresses for a create that failed. */
export async function releaseAddresses(host: Host, id: string, networking: Networking | undefined, requestId: string): Promise<void> {
  for (const attachment of networking?.networks ?? []) {
    await host.networks.byName(attachment.network).execute({ type: 'Disconnect', container: id }, { id: `${requestId}.release.${attachment.network}`, correlation: requestId }).catch(() => {});
  }
}
