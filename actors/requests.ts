/**
 * What a host does with each request from the bus: it hands it to the handler of its kind
 * (actors/handlers/<kind>.ts). Requests are intent; the entity actors' decide owns every rule.
 */
import type { Request } from '../events/requests.js';
import type { Host } from './host.js';
import type { RequestContext } from './handlers/context.js';
import { ContainerHandler } from './handlers/container.js';
import { ContainerRuntimeHandler, RUNTIME_OPS } from './handlers/containerRuntime.js';
import { ImageHandler } from './handlers/image.js';
import { VolumeHandler } from './handlers/volume.js';
import type { NodeRecord } from './node.js';

export type { RequestContext } from './handlers/context.js';
export const VERSION = '0.1.0';

export class RequestHandler {
  private readonly containers: ContainerHandler;
  private readonly runtime: ContainerRuntimeHandler;
  private readonly images: ImageHandler;
  private readonly volumes: VolumeHandler;

  constructor(private readonly host: Host, private readonly node: NodeRecord) {
    this.containers = new ContainerHandler(host);
    this.runtime = new ContainerRuntimeHandler(host);
    this.images = new ImageHandler(host);
    this.volumes = new VolumeHandler(host);
  }

  handle(request: Request, ctx: RequestContext): Promise<unknown> {
    switch (request.op) {
      case 'system.ping':
        return Promise.resolve({ host: this.host.id, version: VERSION, pid: process.pid });
      case 'node.drain':
      case 'node.activate':
        return this.node.record(request.op === 'node.drain' ? 'node.drained' : 'node.activated', ctx.id)
          .then((availability) => ({ host: this.host.id, availability }));
      default:
        if (request.op.startsWith('volume.')) return this.volumes.handle(request as Extract<Request, { op: `volume.${string}` }>, ctx);
        if (RUNTIME_OPS.has(request.op)) return this.runtime.handle(request as Parameters<ContainerRuntimeHandler['handle']>[0], ctx);
        if (request.op.startsWith('container.')) return this.containers.handle(request as Extract<Request, { op: `container.${string}` }>, ctx);
        return this.images.handle(request as Extract<Request, { op: `image.${string}` }>, ctx);
    }
  }
}
