/**
 * The client of one host: the local daemon's (embedded NATS), or a host named in a cluster
 * (`--host`, BERTH_HOST). Every request goes to that host; a `HOST/NAME` ref must name it.
 */
import type { PlacementConstraint } from '../events/container.js';
import { ValidationError } from '../events/errors.js';
import type { ContainerView, Op, Request, Result } from '../events/requests.js';
import { splitHostRef } from './addressing.js';
import { Bus, REQUEST_TIMEOUT_MS } from './bus.js';
import type { EngineClient, LocalDaemon } from './engineClient.js';

export class HostClient extends Bus implements EngineClient {
  readonly isBound = true;

  constructor(nc: EngineClient['nc'], readonly host: string, layout: EngineClient['layout'], local?: LocalDaemon) {
    super(nc, layout, local);
  }

  request<O extends Op>(request: Extract<Request, { op: O }>, timeoutMs = REQUEST_TIMEOUT_MS): Promise<Result<O>> {
    if ('ref' in request && request.op.startsWith('container.')) {
      return this.send(this.host, { ...request, ref: this.ownRef(request.ref as string) } as typeof request, timeoutMs);
    }
    return this.send(this.host, request, timeoutMs);
  }

  /** A container ref for this host: `HOST/NAME` must name this host. */
  ownRef(ref: string): string {
    const split = splitHostRef(ref);
    if (split.host && split.host !== this.host) throw new ValidationError(`${ref} is on host ${split.host}, not on ${this.host}`);
    return split.ref;
  }

  forHost(host: string): EngineClient {
    return new HostClient(this.nc, host, this.layout, this.local);
  }

  async toContainer(ref: string): Promise<{ client: EngineClient; ref: string }> {
    return { client: this, ref: this.ownRef(ref) };
  }

  /** `--host` skips placement: the container is created here. */
  async forCreate(_constraints: PlacementConstraint[]): Promise<EngineClient> {
    return this;
  }

  async lostContainers(_all: boolean): Promise<ContainerView[]> {
    return [];
  }
}
