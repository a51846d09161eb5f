/**
 * The client of a whole cluster (an external NATS, no host named). It routes each request:
 * - a container named by `ref` goes to the host that holds it (`HOST/NAME` names the host;
 *   else every live host's containers are looked at, client/addressing.ts);
 * - lists (containers, images, volumes) ask every live host and are joined;
 * - image import, load and pull go to every ready host, so placement finds the image anywhere;
 * - ping and placement go to any live host (the daemon's own, for a client inside one);
 * - anything else needs a host named.
 * A lost host is not asked, nor a fenced one (it refuses until it has stopped its duplicates):
 * their containers come from the replicated log (client/lostContainers.ts).
 */
import type { PlacementConstraint } from '../events/container.js';
import { ValidationError } from '../events/errors.js';
import type { ContainerView, Op, Request, Result } from '../events/requests.js';
import { hostOfContainer, splitHostRef } from './addressing.js';
import { Bus, REQUEST_TIMEOUT_MS } from './bus.js';
import type { EngineClient } from './engineClient.js';
import { HostClient } from './hostClient.js';

const JOINED = new Set<Op>(['container.list', 'image.list', 'volume.list']);
const EVERY_READY_HOST = new Set<Op>(['image.import', 'image.load', 'image.pull']);
/** How long locating a container for a verb that follows its host's subjects may take. */
const LOCATE_TIMEOUT_MS = 30_000;

export class ClusterClient extends Bus implements EngineClient {
  readonly isBound = false;

  get host(): string {
    throw new ValidationError('this command needs a host in a cluster: name one with --host (or BERTH_HOST)');
  }

  forHost(host: string): EngineClient {
    return new HostClient(this.nc, host, this.layout, this.local);
  }

  async request<O extends Op>(request: Extract<Request, { op: O }>, timeoutMs = REQUEST_TIMEOUT_MS): Promise<Result<O>> {
    const op = request.op as Op;
    if (op.startsWith('container.') && 'ref' in request) {
      const { host, ref } = await this.locate(request.ref as string, timeoutMs);
      return this.send(host, { ...request, ref } as typeof request, timeoutMs);
    }
    if (op === 'container.stats') return this.stats(request as Extract<Request, { op: 'container.stats' }>, timeoutMs) as Promise<Result<O>>;
    if (JOINED.has(op)) {
      const parts = await Promise.all((await this.liveHosts()).map((host) => this.send(host, request, timeoutMs)));
      return (parts as unknown[][]).flat() as Result<O>;
    }
    if (EVERY_READY_HOST.has(op)) {
      const results = await Promise.all((await this.liveHosts(true)).map((host) => this.send(host, request, timeoutMs)));
      return results[0];
    }
    // An overlay network is the cluster's: any live host records its creation.
    if (op === 'network.create' && (request as Extract<Request, { op: 'network.create' }>).driver === 'overlay') return this.send(await this.anyLiveHost(), request, timeoutMs);
    if (op === 'system.ping' || op === 'system.place') return this.send(await this.anyLiveHost(), request, timeoutMs);
    throw new ValidationError(`${op} needs a host in a cluster: name one with --host (or BERTH_HOST)`);
  }

  async toContainer(ref: string): Promise<{ client: EngineClient; ref: string }> {
    const located = await this.locate(ref, LOCATE_TIMEOUT_MS);
    return { client: this.forHost(located.host), ref: located.ref };
  }

  /** The host placement picks, asked of any live daemon (actors/placement.ts). */
  async forCreate(constraints: PlacementConstraint[]): Promise<EngineClient> {
    return this.forHost((await this.request({ op: 'system.place', constraints })).host);
  }

  async lostContainers(all: boolean): Promise<ContainerView[]> {
    // Loaded when asked, as Bus.hosts() loads its reader: it reads the events stream through JetStream.
    const { lostContainerViews } = await import('./lostContainers.js');
    return lostContainerViews(this, all);
  }

  /** A live host: the daemon this client runs in when it is live (answered in process), else the first. */
  private async anyLiveHost(): Promise<string> {
    const hosts = await this.liveHosts();
    return this.local && hosts.includes(this.local.host) ? this.local.host : hosts[0];
  }

  /** Every container of every live host (stopped ones too). */
  async containers(timeoutMs: number): Promise<ContainerView[]> {
    const hosts = await this.liveHosts();
    const lists = await Promise.all(hosts.map((host) => this.send(host, { op: 'container.list', all: true }, timeoutMs)));
    return lists.flat();
  }

  /** The host a container ref names, and the ref as that host knows it. */
  async locate(ref: string, timeoutMs: number): Promise<{ host: string; ref: string }> {
    const split = splitHostRef(ref);
    if (split.host) return { host: split.host, ref: split.ref };
    return { host: hostOfContainer(ref, await this.containers(timeoutMs)), ref };
  }

  /** Stats of the containers named, each asked of its host; of every live host's without names. */
  private async stats(request: Extract<Request, { op: 'container.stats' }>, timeoutMs: number): Promise<Result<'container.stats'>> {
    const targets = request.refs.length
      ? await Promise.all(request.refs.map((r) => this.locate(r, timeoutMs)))
      : (await this.liveHosts()).map((host) => ({ host, ref: null }));
    const byHost = new Map<string, string[]>();
    for (const { host, ref } of targets) byHost.set(host, [...(byHost.get(host) ?? []), ...(ref ? [ref] : [])]);
    const parts = await Promise.all([...byHost].map(([host, hostRefs]) => this.send(host, { op: 'container.stats', refs: hostRefs }, timeoutMs)));
    return parts.flat();
  }

  private async liveHosts(ready = false): Promise<string[]> {
    const hosts = (await this.hosts()).filter((h) => (ready ? h.state === 'ready' : h.state !== 'lost' && h.state !== 'fenced')).map((h) => h.host);
    if (hosts.length === 0) throw new ValidationError(`no ${ready ? 'ready' : 'live'} host in the cluster`);
    return hosts;
  }
}
