/** Network requests: create, list, inspect, remove, prune, connect and disconnect, as commands to network actors. */
import { ValidationError } from '../../events/errors.js';
import { NETWORK_NAME } from '../../events/network.js';
import type { ContainerView, NetworkView, Request } from '../../events/requests.js';
import type { Host } from '../host.js';
import { macFor } from '../network/addresses.js';
import type { NetworkState } from '../network/state.js';
import { resolveContainer } from '../resolve.js';
import type { RequestContext } from './context.js';
import { matchesLabels } from './volume.js';

type NetworkRequest = Extract<Request, { op: `network.${string}` }>;

export function networkView(state: NetworkState): NetworkView {
  const record = state.record!;
  const prefix = Number(record.subnet.split('/')[1]);
  const prefix6 = record.subnet6 ? Number(record.subnet6.split('/')[1]) : 0;
  return {
    name: record.name, id: record.networkId, host: state.host, driver: record.driver, created: state.created,
    subnet: record.subnet, gateway: record.gateway, ...(record.subnet6 ? { subnet6: record.subnet6, gateway6: record.gateway6 } : {}),
    bridge: record.bridge, internal: record.internal,
    labels: record.labels, options: record.options,
    endpoints: Object.values(state.endpoints).map((e) => ({
      container: e.container, name: e.containerName, address: e.address, prefix, mac: macFor(e.address), aliases: e.aliases,
      ...(e.address6 ? { address6: e.address6, prefix6 } : {}),
    })),
  };
}

/** The networks a container is on, with its lease on each, for inspect. */
export function containerNetworks(host: Host, container: string): NonNullable<ContainerView['networks']> {
  return host.networks.joined(container).map((network) => {
    const record = network.state.record!;
    const endpoint = network.state.endpoints[container];
    return {
      name: record.name, networkId: record.networkId, address: endpoint.address, prefix: Number(record.subnet.split('/')[1]),
      gateway: record.gateway, mac: macFor(endpoint.address), aliases: endpoint.aliases,
      ...(endpoint.address6 ? { address6: endpoint.address6, prefix6: Number(record.subnet6!.split('/')[1]), gateway6: record.gateway6 } : {}),
    };
  });
}

export class NetworkHandler {
  constructor(private readonly host: Host) {}

  /** As Docker does, /etc/hosts of a running container lists its addresses after a connect or disconnect. */
  private async rewriteHosts(container: string): Promise<void> {
    const entity = this.host.containers.get(container)!;
    const network = await this.host.networks.containerNetwork(entity.state, () => null).catch(() => undefined);
    if (network) await this.host.worker.rewriteHosts(container, network.names);
  }

  async handle(request: NetworkRequest, ctx: RequestContext): Promise<unknown> {
    const networks = this.host.networks;
    const meta = (step: string) => ({ id: `${ctx.id}.${step}`, correlation: ctx.id });
    switch (request.op) {
      case 'network.create': {
        if (!NETWORK_NAME.test(request.name)) throw new ValidationError(`invalid network name "${request.name}": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
        if (request.driver !== 'bridge' && request.driver !== 'overlay') throw new ValidationError(`plugin "${request.driver}" not found: berth has the bridge and overlay drivers`);
        if (['none', 'host'].includes(request.name) || request.name.startsWith('container:')) throw new ValidationError(`${request.name} is a pre-defined network and cannot be created`);
        await networks.claimNamespace();
        // An overlay is the cluster's: its entity is under the cluster scope, whichever host creates it.
        const named = networks.byName(request.name);
        const network = named.state.status !== 'present' && request.driver === 'overlay' ? networks.cluster.byName(request.name) : named;
        const record = network.state.status === 'present' ? network.state.record! : await networks.newRecord({ ...request, driver: request.driver === 'overlay' ? 'overlay' : 'bridge' });
        await network.execute({ type: 'Create', record }, meta('create'));
        await networks.syncKernel();
        return networkView(network.state);
      }
      case 'network.list':
        return networks.present().map((n) => networkView(n.state)).sort((a, b) => a.name.localeCompare(b.name));
      case 'network.inspect':
        return networkView(networks.resolve(request.ref).state);
      case 'network.remove': {
        const network = networks.resolve(request.ref);
        const name = network.state.record!.name;
        await network.execute({ type: 'Remove' }, meta('remove'));
        await networks.syncKernel(network.state.record?.bridge);
        return { name };
      }
      case 'network.prune': {
        const removed: string[] = [];
        for (const network of networks.present()) {
          const { record, endpoints } = network.state;
          if (record!.predefined || Object.keys(endpoints).length > 0 || !matchesLabels(record!.labels, request.labels)) continue;
          if ((request.notLabels ?? []).some((filter) => matchesLabels(record!.labels, [filter]))) continue;
          if (request.untilMs !== undefined && network.state.created >= request.untilMs) continue;
          try {
            await network.execute({ type: 'Remove' }, meta(`prune.${record!.name}`));
          } catch {
            continue; // a container joined it meanwhile
          }
          await networks.syncKernel(record!.bridge);
          removed.push(record!.name);
        }
        return { removed };
      }
      case 'network.connect': {
        const network = networks.resolve(request.ref);
        const container = resolveContainer(this.host, request.container);
        if (network.state.record!.predefined && (request.aliases.length > 0 || request.ip || request.ip6)) {
          throw new ValidationError('network-scoped alias and user specified IP address are supported only for containers in user defined networks');
        }
        // Live, as Docker does; a stopped container gets the interface at its next start.
        const live = container.state.status === 'running' && container.state.config!.networking?.mode !== 'container' ? container.state.pid : null;
        const plugged = await networks.connect({ id: container.id, name: container.state.config!.name, pid: live }, network, request, meta('connect'));
        if (plugged) await this.rewriteHosts(container.id);
        return { name: network.state.record!.name };
      }
      case 'network.disconnect': {
        const network = networks.resolve(request.ref);
        const container = resolveContainer(this.host, request.container);
        const running = container.state.status === 'running';
        await networks.disconnect({ id: container.id, pid: running ? container.state.pid : null }, network, meta('disconnect'));
        if (running) await this.rewriteHosts(container.id);
        return { name: network.state.record!.name };
      }
    }
  }
}
