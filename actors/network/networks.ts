/**
 * The host's networks: their entity actors (keyed by entity id, found by name), the live machine
 * whose effects make the kernel's bridges and berth's nft table match the networks, the default
 * `bridge` network, the release of a removed container's leases, and what a container's start
 * needs (its interfaces and name files).
 */
import { randomBytes } from 'node:crypto';
import type { EventStore } from '../../events/store.js';
import type { FenceStore } from '../../events/fenceStore.js';
import type { NetworkCommand, NetworkRecord } from '../../events/network.js';
import { BerthError, ConflictError, NotFoundError } from '../../events/errors.js';
import type { NetworkKernel, KernelNetwork, Underlay } from '../../runtime/network/kernel.js';
import { VXLAN_OVERHEAD } from '../../runtime/network/vxlan.js';
import { ClusterNetworks } from './clusterNetworks.js';
import { heldHere, isOverlay, overlayPeers, overlayPools, overlayVni, vxlanName } from './overlay.js';
import { hostInterfaceName, shimEntries, type ContainerInterface, type ContainerNetwork } from '../../runtime/network/containerNetwork.js';
import type { ContainerData, ContainerState } from '../container/state.js';
import { Entity, type EntityHooks } from '../entity.js';
import { networkRules } from '../rules.js';
import { macFor } from './addresses.js';
import { interfaceNames, lowestFreeInterface } from './interfaceNames.js';
import { gatewayAfterConnect, gatewayAfterDisconnect, gatewayNetwork } from './defaultRoute.js';
import { chooseSubnet } from './subnets.js';
import { canonicalAddress6, chooseSubnet6, firstHost6, formatAddress6, formatSubnet6, parseSubnet6 } from './addresses6.js';
import { EmbeddedDns, type ResolverFactory } from './embeddedDns.js';
import { resolveName } from './nameRecords.js';
import { networkEntityId, type NetworkState } from './state.js';
import { processLogger } from '../../log/settings.js';
import { forwarded, publishedPorts, Publishing } from './publishing.js';
import { hostAddress } from './ports.js';

/** A network as the handlers use it: this host's (an Entity) or the cluster's (a ClusterNetwork). */
export type NetworkEntity = Pick<Entity<NetworkState, NetworkCommand>, 'id' | 'state' | 'execute'>;
type HostNetwork = Entity<NetworkState, NetworkCommand>;

/** Docker's default network. */
export const DEFAULT_NETWORK = 'bridge';
/** Its bridge link (Docker's docker0). */
export const DEFAULT_BRIDGE = 'berth0';

export interface NetworksDeps {
  host: string;
  store: EventStore;
  hooks: EntityHooks;
  kernel: NetworkKernel;
  /** False with `--bridge none`: no default network, and `run` without --network gets none. */
  defaultBridge: boolean;
  /** Every container of the host, live or not. */
  containers(): Array<{ id: string; state: ContainerState }>;
  /** One container of the host by id (a map lookup: the DNS asks at every query). */
  container(id: string): { state: ContainerState } | undefined;
  /** The embedded DNS's resolvers (default: in the daemon, runtime/network/dns/server.ts). */
  resolvers?: ResolverFactory;
  /** The link overlay traffic goes over (--data-interface); default: the default route's. */
  dataInterface?: string;
  /** The cluster's fence records: a takeover of an overlay lease is valid only for a replacement they name. */
  fences?: Pick<FenceStore, 'readAll'>;
}

const kernelNetwork = (record: NetworkRecord): KernelNetwork => ({
  bridge: record.bridge, subnet: record.subnet, gateway: record.gateway, internal: record.internal,
  ...(record.subnet6 ? { subnet6: record.subnet6, gateway6: record.gateway6 } : {}),
});
const NO_NAMES = { hostname: '', addresses: [], extraHosts: [], dns: [], dnsSearch: [], dnsOptions: [] };
const gone = (status: string) => status === 'none' || status === 'removed';

export class Networks {
  readonly entities = new Map<string, HostNetwork>();
  private readonly machine;
  private started = false;
  /** The resolvers on the user networks' gateways. */
  private readonly dns: EmbeddedDns;
  /** The kernel work in flight, one change after another. */
  private kernelWork: Promise<void> = Promise.resolve();
  /** Published ports: reservations, and the forwards of the table. */
  readonly publishing: Publishing;
  /** The containers whose forwards the last table applied held. */
  private forwardedNow = new Set<string>();
  /** The cluster's overlay networks (their entities are the cluster's, not this host's). */
  readonly cluster: ClusterNetworks;
  /** The cluster networks' read (readCluster), once begun. */
  private clusterRead: Promise<void> | null = null;
  /** The overlays whose VXLAN device this host holds now: device -> bridge. */
  private overlaysHere = new Map<string, string>();
  private underlayFound: Promise<Underlay> | null = null;
  /**
   * Whether this daemon holds its network namespace's claim: until it does (no default bridge and
   * no network yet), it leaves the kernel alone, so that another daemon's table stays.
   */
  private claimed = false;
  /** The network connect in flight for each container (Networks.connect). */
  private readonly connecting = new Map<string, Promise<void>>();

  constructor(private readonly deps: NetworksDeps) {
    this.publishing = new Publishing({ kernel: deps.kernel, containers: deps.containers });
    this.cluster = new ClusterNetworks({
      host: deps.host, store: deps.store, fences: deps.fences, log: processLogger(),
      changed: () => { if (this.started) void this.syncKernel().catch(() => {}); },
    });
    this.dns = new EmbeddedDns((query, hostResolvers) => {
      const named = (id: string) => {
        const state = this.deps.container(id)?.state;
        if (state?.config) return { name: state.config.name, status: state.status, dns: state.config.networking?.dns ?? [] };
        // A container of another host on an overlay: named by its lease while it holds one.
        const remote = this.cluster.present().map((n) => n.state.endpoints[id]).find((e) => e && e.host !== this.deps.host);
        return remote ? { name: remote.containerName, status: 'running', dns: [] } : undefined;
      };
      return resolveName(query, this.present().map((n) => n.state), named, hostResolvers);
    }, deps.resolvers);
    this.machine = networkRules.machine.provide({
      actions: {
        applyNetwork: () => { void this.syncKernel().catch(() => {}); },
        deleteNetwork: ({ context }) => { void this.syncKernel(context.record?.bridge).catch(() => {}); },
      },
    });
  }

  get defaultBridge(): boolean {
    return this.deps.defaultBridge;
  }

  entity(id: string): HostNetwork {
    let entity = this.entities.get(id);
    if (!entity) {
      entity = new Entity(networkRules, id, this.deps.host, this.deps.store, this.deps.hooks);
      this.entities.set(id, entity);
      if (this.started) entity.start(this.machine);
    }
    return entity;
  }

  /** This host's network of that name, else the cluster's overlay of that name if there is one. */
  byName(name: string): NetworkEntity {
    const local = this.entity(networkEntityId(name));
    if (local.state.status === 'present') return local;
    const overlay = this.cluster.byName(name);
    return overlay.state.status === 'present' ? overlay : local;
  }

  /** This host's networks and the cluster's overlays. */
  present(): NetworkEntity[] {
    return [...this.entities.values(), ...this.cluster.entities.values()].filter((n) => n.state.status === 'present');
  }

  /** The networks whose bridge this host holds: its own, and the overlays it runs a container on. */
  private held(): NetworkEntity[] {
    return this.present().filter((n) => heldHere(n.state, this.deps.host));
  }

  /** This host's VXLAN endpoint: the data interface, found once. */
  underlay(): Promise<Underlay> {
    this.underlayFound ??= this.deps.kernel.underlay(this.deps.dataInterface);
    return this.underlayFound.catch((error: Error) => { this.underlayFound = null; throw error; });
  }

  /** What a Connect to this network must name: on an overlay, this host and its VTEP. */
  async placeOn(network: NetworkEntity): Promise<{ host?: string; vtep?: string }> {
    return isOverlay(network.state.record) ? { host: this.deps.host, vtep: (await this.underlay()).address } : {};
  }

  /** By name, full id or a unique prefix of the id. */
  resolve(ref: string): NetworkEntity {
    const byName = this.byName(ref);
    if (byName.state.status === 'present') return byName;
    const matches = this.present().filter((n) => n.state.record!.networkId.startsWith(ref));
    if (matches.length === 1) return matches[0];
    throw new NotFoundError(`network ${ref} not found`);
  }

  /**
   * Makes the kernel match the log: the bridge of each network, the nft table, and (`removed`)
   * a removed network's bridge gone. Changes run one after another; each applies the whole state.
   */
  syncKernel(removed?: string): Promise<void> {
    return this.queueKernel(async () => {
      const held = this.held();
      const records = held.map((n) => n.state.record!);
      if (removed && !records.some((r) => r.bridge === removed)) await this.deps.kernel.deleteBridge(removed);
      if (records.length > 0) await this.deps.kernel.enableForwarding(records.some((r) => r.subnet6 !== undefined));
      for (const network of held) {
        if (isOverlay(network.state.record)) await this.ensureOverlay(network);
        else await this.deps.kernel.ensureBridge(kernelNetwork(network.state.record!));
      }
      for (const [vxlan, bridge] of this.overlaysHere) {
        if (records.some((r) => r.bridge === bridge)) continue;
        await this.deps.kernel.deleteOverlay(bridge, vxlan);
        this.overlaysHere.delete(vxlan);
      }
      await this.applyFirewall();
      await this.dns.sync(records);
    });
  }

  /** An overlay this host runs a container on: its bridge, its VXLAN device and the other hosts' endpoints. */
  private async ensureOverlay(network: NetworkEntity): Promise<void> {
    const record = network.state.record!;
    const underlay = await this.underlay();
    const vxlan = vxlanName(record.networkId);
    await this.deps.kernel.ensureOverlay({ ...kernelNetwork(record), vxlan, vni: record.vni!, underlay, mtu: underlay.mtu - VXLAN_OVERHEAD });
    this.overlaysHere.set(vxlan, record.bridge);
    await this.deps.kernel.setOverlayPeers(vxlan, overlayPeers(network.state, this.deps.host, underlay.address));
  }

  /** The table alone applied again (one `nft -f`): a container's published ports came or went; `starting` counts as up. */
  syncPorts(starting?: string): Promise<void> {
    return this.queueKernel(() => this.applyFirewall(starting));
  }

  private queueKernel(work: () => Promise<void>): Promise<void> {
    if (!this.claimed) return this.kernelWork;
    const run = this.kernelWork.then(work);
    this.kernelWork = run.catch((error: Error) => processLogger().error('network set-up failed', { error }));
    return run;
  }

  private async applyFirewall(starting?: string): Promise<void> {
    const forwards = this.publishing.forwards((container) => this.joined(container)[0]?.state.endpoints[container], starting);
    const started = performance.now();
    await this.deps.kernel.applyFirewall(this.held().map((n) => kernelNetwork(n.state.record!)), forwards.map((f) => f.forward));
    this.forwardedNow = new Set(forwards.map((f) => f.container));
    processLogger().debug('firewall applied', { forwards: forwards.length, ms: Math.round((performance.now() - started) * 10) / 10 });
  }

  /** A new record for `network create` (or the default network): the subnet chosen if not given. */
  async newRecord(input: { name: string; driver?: 'bridge' | 'overlay'; subnet?: string; gateway?: string; ipv6?: boolean; subnet6?: string; gateway6?: string; internal: boolean; labels: Record<string, string>; options: Record<string, string>; predefined?: boolean }): Promise<NetworkRecord> {
    const networkId = randomBytes(32).toString('hex');
    const driver = input.driver ?? 'bridge';
    let subnet = input.subnet;
    const ipv6 = input.ipv6 || input.subnet6 !== undefined;
    const inUse = !subnet || (ipv6 && !input.subnet6)
      ? [...await this.deps.kernel.addressesInUse(), ...this.present().flatMap((n) => [n.state.record!.subnet, n.state.record!.subnet6 ?? ''])]
      : [];
    if (!subnet) {
      subnet = chooseSubnet(inUse, driver === 'overlay' ? overlayPools() : undefined) ?? undefined;
      if (!subnet) throw new BerthError('could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network');
    }
    const [base] = subnet.split('/');
    const gateway = input.gateway ?? base.replace(/\d+$/, (last) => String(Number(last) + 1));
    return {
      name: input.name, networkId, driver, ...(driver === 'overlay' ? { vni: overlayVni(networkId) } : {}), subnet, gateway,
      ...ipv6 ? this.ipv6Half(input.subnet6, input.gateway6, inUse) : {},
      bridge: input.predefined ? DEFAULT_BRIDGE : `br-${networkId.slice(0, 12)}`,
      internal: input.internal, labels: input.labels, options: input.options, predefined: input.predefined ?? false,
    };
  }

  /** An IPv6 network's subnet (the host's next free ULA /64 when none is given, as Docker's default pool) and gateway (its first address). */
  private ipv6Half(asked: string | undefined, gateway6: string | undefined, inUse: string[]): { subnet6: string; gateway6: string } {
    const chosen = asked ?? chooseSubnet6(this.deps.host, inUse);
    if (!chosen) throw new BerthError('could not find an available, non-overlapping IPv6 address pool among the defaults to assign to the network');
    const parsed = parseSubnet6(chosen);
    // A subnet that does not parse is kept as given, for decide's one-line refusal.
    if (!parsed) return { subnet6: chosen, gateway6: gateway6 ?? '' };
    return { subnet6: formatSubnet6(parsed), gateway6: gateway6 === undefined ? formatAddress6(firstHost6(parsed)) : canonicalAddress6(gateway6) ?? gateway6 };
  }

  /** This daemon alone manages the networks of its network namespace; refused while another daemon does. */
  async claimNamespace(): Promise<void> {
    await this.deps.kernel.claimNamespace();
    this.claimed = true;
  }

  /**
   * Folds the cluster's overlay networks and follows them (ClusterNetworks.start), once: a
   * host's start begins it beside its own replay, which it does not depend on (two consumers
   * the server makes, 60-190 ms with 200,000 events in the stream), and start() waits for it.
   */
  readCluster(): Promise<void> {
    this.clusterRead ??= this.cluster.start();
    return this.clusterRead;
  }

  /**
   * Goes live: the namespace claimed if this daemon has networks, the default network made if it
   * is missing, the kernel made to match, leftover leases released.
   */
  async start(): Promise<void> {
    this.started = true;
    for (const entity of this.entities.values()) entity.start(this.machine);
    if (this.deps.defaultBridge || this.present().length > 0) await this.claimNamespace();
    if (this.deps.defaultBridge) {
      const bridge = this.byName(DEFAULT_NETWORK);
      if (bridge.state.status !== 'present') {
        const record = await this.newRecord({ name: DEFAULT_NETWORK, internal: false, labels: {}, options: {}, predefined: true });
        await bridge.execute({ type: 'Create', record }, { id: `${this.deps.host}.default-network.${record.networkId.slice(0, 12)}`, correlation: 'start' });
      }
    }
    await this.readCluster();
    await this.syncKernel();
    // Each endpoint's container by id: not every container's state (10,000 of them cost a start 50 ms).
    for (const network of this.present()) {
      for (const [container, endpoint] of Object.entries(network.state.endpoints)) {
        if (isOverlay(network.state.record) && endpoint.host !== this.deps.host) continue; // another host's container
        const state = this.deps.container(container)?.state;
        if (!state || gone(state.status)) await this.release(network, container);
      }
    }
  }

  stop(): void {
    this.dns.stop();
    void this.cluster.stop();
    for (const entity of this.entities.values()) entity.stop();
  }

  private release(network: NetworkEntity, container: string): Promise<unknown> {
    return network.execute({ type: 'Disconnect', container }, { id: `release.${network.id.slice(0, 12)}.${container}`, correlation: container });
  }

  /** A container's process came up or went down (its forwards follow), or it was removed (its leases are freed). */
  containerChanged(state: ContainerState): void {
    if (publishedPorts(state).length > 0 && this.started) {
      const up = forwarded(state);
      // 'starting' adds its own forwards before its process runs (containerNetwork).
      if (up !== this.forwardedNow.has(state.id) && state.status !== 'starting') void this.syncPorts().catch(() => {});
    }
    if (state.status !== 'removed') return;
    for (const network of this.present()) {
      if (network.state.endpoints[state.id]) {
        void this.release(network, state.id).catch((error: Error) => processLogger().error('releasing a container\'s addresses failed', { container: state.id.slice(0, 12), error }));
      }
    }
  }

  private containerInterface(container: string, network: NetworkEntity, ifname: string, gateway: boolean): ContainerInterface {
    const record = network.state.record!;
    const { address, address6 } = network.state.endpoints[container];
    return {
      bridge: record.bridge, hostIf: hostInterfaceName(container, record.networkId), ifname, address,
      prefix: Number(record.subnet.split('/')[1]), gateway: gateway && !record.internal ? record.gateway : '', mac: macFor(address),
      ...address6 ? { address6, prefix6: Number(record.subnet6!.split('/')[1]), gateway6: gateway && !record.internal ? record.gateway6! : '' } : {},
      ...(isOverlay(record) && this.underlayMtu ? { mtu: this.underlayMtu - VXLAN_OVERHEAD } : {}),
    };
  }

  /** The underlay's MTU once found (an overlay's interfaces take it less VXLAN_OVERHEAD). */
  private underlayMtu = 0;

  /** Before an overlay's interfaces are made: the overlay held here, and its MTU known. */
  private async overlaysReady(networks: NetworkEntity[]): Promise<void> {
    if (!networks.some((n) => isOverlay(n.state.record))) return;
    // A host with no network of its own (--bridge none) claims its namespace when it first holds an overlay.
    if (!this.claimed) await this.claimNamespace();
    this.underlayMtu = (await this.underlay()).mtu;
    await this.syncKernel();
  }

  /** The interface names of a container's endpoints, in `joined` order. */
  private interfaceNames(container: string, networks: NetworkEntity[]): string[] {
    return interfaceNames(networks.map((network) => network.state.endpoints[container].ifname));
  }

  /**
   * network connect: the lease, with the lowest interface name the container's other endpoints
   * leave free, and the interface added live when `pid` is given, with the default route through
   * it when the network comes first of those that are not internal (defaultRoute.ts: a container
   * that had no route gets one). An interface that cannot be made gives the lease back. One connect of a
   * container at a time, so that two never choose one name.
   */
  connect(container: { id: string; name: string; pid: number | null }, network: NetworkEntity, request: { aliases: string[]; ip?: string; ip6?: string }, meta: { id: string; correlation: string }): Promise<boolean> {
    const previous = this.connecting.get(container.id) ?? Promise.resolve();
    const run = previous.then(async () => {
      const others = this.joined(container.id).filter((n) => n !== network);
      const ifname = lowestFreeInterface(this.interfaceNames(container.id, others));
      const connected = await network.execute({ type: 'Connect', container: container.id, containerName: container.name, aliases: request.aliases, ifname, ...(request.ip ? { address: request.ip } : {}), ...(request.ip6 ? { address6: request.ip6 } : {}), ...await this.placeOn(network) }, meta);
      if (!container.pid || connected.length === 0) return false;
      try {
        await this.overlaysReady([network]);
        await this.kernelWork;
        const recorded = network.state.endpoints[container.id].ifname ?? ifname;
        await this.deps.kernel.plug(container.pid, shimEntries({ interfaces: [this.containerInterface(container.id, network, recorded, false)], names: NO_NAMES }));
        const gateway = gatewayAfterConnect(this.joined(container.id).map((n) => n.state.record!), network.state.record!.name);
        if (gateway) await this.deps.kernel.setDefaultRoute(container.pid, gateway.gateway, recorded, gateway.gateway6);
      } catch (error) {
        await network.execute({ type: 'Disconnect', container: container.id }, { id: `${meta.id}.undo`, correlation: meta.correlation }).catch(() => {});
        await this.deps.kernel.unplug(hostInterfaceName(container.id, network.state.record!.networkId)).catch(() => {});
        throw error;
      }
      return true;
    });
    const settled = run.then(() => {}, () => {});
    this.connecting.set(container.id, settled);
    void settled.then(() => { if (this.connecting.get(container.id) === settled) this.connecting.delete(container.id); });
    return run;
  }

  /**
   * network disconnect: the lease given back, and with `pid` (a running container) its interface
   * on the network deleted live; when that network gave the container its default route, the
   * route moves to the next network it is still on (defaultRoute.ts), as Docker's does.
   */
  async disconnect(container: { id: string; pid: number | null }, network: NetworkEntity, meta: { id: string; correlation: string }): Promise<void> {
    const record = network.state.record!;
    const before = this.joined(container.id).map((n) => n.state.record!);
    await network.execute({ type: 'Disconnect', container: container.id }, meta);
    if (!container.pid) return;
    await this.deps.kernel.unplug(hostInterfaceName(container.id, record.networkId));
    const next = gatewayAfterDisconnect(before, record.name);
    if (!next) return;
    const remaining = this.joined(container.id);
    const index = remaining.findIndex((n) => n.state.record!.name === next.name);
    if (index < 0) return;
    await this.deps.kernel.setDefaultRoute(container.pid, next.gateway, this.interfaceNames(container.id, remaining)[index], next.gateway6);
  }

  /** The networks a container is on, the one it was created with first, then by name. */
  joined(container: string): NetworkEntity[] {
    const first = this.deps.container(container)?.state.config?.networking?.networks[0]?.network;
    return this.present().filter((n) => n.state.endpoints[container])
      .sort((a, b) => Number(b.state.record!.name === first) - Number(a.state.record!.name === first) || a.state.record!.name.localeCompare(b.state.record!.name));
  }

  /**
   * --add-host NAME:host-gateway: Docker's host-gateway is the default bridge's gateway, the
   * host's address on it; without a default bridge, that of the container's first network.
   */
  private withHostGateway(entry: string, container: string): string {
    if (!entry.endsWith(':host-gateway')) return entry;
    const network = this.byName(DEFAULT_NETWORK).state.status === 'present' ? this.byName(DEFAULT_NETWORK) : this.joined(container)[0];
    return network ? entry.replace(/:host-gateway$/, `:${network.state.record!.gateway}`) : entry;
  }

  /** What the container's start needs; undefined when it has no network set-up (none, host). */
  async containerNetwork(data: ContainerData, pidOf: (container: string) => number | null): Promise<ContainerNetwork | undefined> {
    const config = data.config!;
    const networking = config.networking;
    if (!networking) return undefined;
    const names = { hostname: config.hostname, addresses: [] as string[], extraHosts: networking.extraHosts.map((entry) => this.withHostGateway(entry, data.id)), dns: networking.dns, dnsSearch: networking.dnsSearch, dnsOptions: networking.dnsOptions };
    if (networking.mode === 'container') {
      const pid = pidOf(networking.container!);
      if (!pid) throw new BerthError(`cannot join network of a non running container: ${networking.container!.slice(0, 12)}`);
      return { interfaces: [], joinPid: pid, names };
    }
    const joined = this.joined(data.id);
    const ifnames = this.interfaceNames(data.id, joined);
    await this.overlaysReady(joined);
    await this.kernelWork;
    const gateway = gatewayNetwork(joined.map((network) => network.state.record!));
    const interfaces = joined.map((network, index) => this.containerInterface(data.id, network, ifnames[index], network.state.record === gateway));
    names.addresses = interfaces.flatMap((i) => [i.address, ...i.address6 ? [i.address6] : []]);
    // Its published ports are forwarded before its process runs, unless a process of the host took one meanwhile.
    if (networking.ports?.length) {
      this.publishing.checkStart(data.id, networking.ports);
      for (const port of networking.ports) {
        if (await this.deps.kernel.portInUse(port)) throw new ConflictError(`Bind for ${hostAddress(port)} failed: address already in use`);
      }
      await this.syncPorts(data.id);
    }
    const user = joined.find((network) => !network.state.record!.predefined);
    return { interfaces, names: { ...names, ...(user ? { resolver: user.state.record!.gateway } : {}) } };
  }
}
