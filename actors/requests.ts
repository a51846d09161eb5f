/**
 * What a host does with each request from the bus: it hands it to the handler of its kind
 * (actors/handlers/<kind>.ts). Requests are intent; the entity actors' decide owns every rule.
 */
import type { HostStatus } from './hostStatus.js';
import type { Request } from '../events/requests.js';
import type { Host } from './host.js';
import type { RequestContext } from './handlers/context.js';
import { ContainerHandler } from './handlers/container.js';
import { ContainerRuntimeHandler, RUNTIME_OPS } from './handlers/containerRuntime.js';
import { ContainerCopyHandler, COPY_OPS } from './handlers/containerCopy.js';
import { ContainerCommitHandler, COMMIT_OPS } from './handlers/containerCommit.js';
import { ImageHandler } from './handlers/image.js';
import { BuildHandler, BUILD_OPS } from './handlers/build.js';
import { PruneHandler, PRUNE_OPS } from './handlers/prune.js';
import { SystemHandler } from './handlers/system.js';
import { VolumeHandler } from './handlers/volume.js';
import { NetworkHandler } from './handlers/network.js';
import type { NodeRecord } from './node.js';
import { placeContainer } from './placement.js';

export type { RequestContext } from './handlers/context.js';
export const VERSION = '0.1.0';

export class RequestHandler {
  private readonly containers: ContainerHandler;
  private readonly runtime: ContainerRuntimeHandler;
  private readonly copies: ContainerCopyHandler;
  private readonly commits: ContainerCommitHandler;
  private readonly images: ImageHandler;
  private readonly builds: BuildHandler;
  private readonly prunes: PruneHandler;
  private readonly system: SystemHandler;
  private readonly volumes: VolumeHandler;
  private readonly networks: NetworkHandler;

  /** `readHosts`: the cluster's hosts, which placement chooses from. */
  constructor(private readonly host: Host, private readonly node: NodeRecord, private readonly readHosts: () => Promise<HostStatus[]>) {
    this.containers = new ContainerHandler(host);
    this.runtime = new ContainerRuntimeHandler(host);
    this.copies = new ContainerCopyHandler(host);
    this.commits = new ContainerCommitHandler(host);
    this.images = new ImageHandler(host);
    this.builds = new BuildHandler(host);
    this.prunes = new PruneHandler(host);
    this.system = new SystemHandler(host, VERSION);
    this.volumes = new VolumeHandler(host);
    this.networks = new NetworkHandler(host);
  }

  handle(request: Request, ctx: RequestContext): Promise<unknown> {
    switch (request.op) {
      case 'system.ping':
        return Promise.resolve({ host: this.host.id, version: VERSION, pid: process.pid });
      case 'system.info':
      case 'system.df':
        return this.system.handle(request);
      case 'system.place':
        return this.readHosts().then((hosts) => ({ host: placeContainer(hosts, request.constraints) }));
      case 'node.drain':
      case 'node.activate':
        return this.node.record(request.op === 'node.drain' ? 'node.drained' : 'node.activated', ctx.id)
          .then((availability) => ({ host: this.host.id, availability }));
      default:
        if (request.op.startsWith('network.')) return this.networks.handle(request as Extract<Request, { op: `network.${string}` }>, ctx);
        if (request.op.startsWith('volume.')) return this.volumes.handle(request as Extract<Request, { op: `volume.${string}` }>, ctx);
        if (PRUNE_OPS.has(request.op)) return this.prunes.handle(request as Parameters<PruneHandler['handle']>[0], ctx);
        if (COPY_OPS.has(request.op)) return this.copies.handle(request as Parameters<ContainerCopyHandler['handle']>[0]);
        if (BUILD_OPS.has(request.op)) return this.builds.handle(request as Parameters<BuildHandler['handle']>[0], ctx);
        if (COMMIT_OPS.has(request.op)) return this.commits.handle(request as Parameters<ContainerCommitHandler['handle']>[0], ctx);
        if (RUNTIME_OPS.has(request.op)) return this.runtime.handle(request as Parameters<ContainerRuntimeHandler['handle']>[0], ctx);
        if (request.op.startsWith('container.')) return this.containers.handle(request as Extract<Request, { op: `container.${string}` }>, ctx);
        return this.images.handle(request as Extract<Request, { op: `image.${string}` }>, ctx);
    }
  }
}
