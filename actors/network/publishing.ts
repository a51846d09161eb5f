/**
 * Published ports on the host: host ports reserved for a new container (the rule is
 * actors/network/ports.ts; a port bound by a process of the host is found by binding it), one
 * reservation at a time so that two creates racing never get one port, and the forwards the nft
 * table holds: those of containers whose process is up, as Docker keeps a mapping only while
 * its container runs. The reservation itself lives in the container's config, from create to rm;
 * a port asked for by number is held only while its container runs (ports.ts heldPorts), and
 * checked again at start.
 */
import { ConflictError } from '../../events/errors.js';
import { hasStatusTag } from '../../events/containerStatus.js';
import type { PortRequest, PublishedPort } from '../../events/ports.js';
import type { NetworkKernel, PortForward } from '../../runtime/network/kernel.js';
import type { ContainerState } from '../container/state.js';
import { clashAtStart, decidePorts, heldPorts, type HostPort } from './ports.js';

/** How many times a port found bound by the host is stepped over before giving up. */
const PROBE_ROUNDS = 64;

export interface PublishingDeps {
  kernel: NetworkKernel;
  containers(): Array<{ id: string; state: ContainerState }>;
}

/** The ports a container publishes, from its config. */
export function publishedPorts(state: ContainerState): PublishedPort[] {
  return state.config?.networking?.ports ?? [];
}

/** Whether a container's ports are forwarded now: its process is up or being started. */
export function forwarded(state: ContainerState): boolean {
  return hasStatusTag(state.status, 'up') && publishedPorts(state).length > 0;
}

export class Publishing {
  /** Reservations of creates in flight, by container id. */
  private readonly pending = new Map<string, PublishedPort[]>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: PublishingDeps) {}

  /** Chooses the host ports of a new container and holds them until `release` (its create's end). */
  reserve(container: string, requests: PortRequest[], exposed: PortRequest[]): Promise<PublishedPort[]> {
    const work = this.queue.then(async () => {
      const others = this.deps.containers().filter((c) => c.id !== container && c.state.status !== 'removed');
      const reserved: HostPort[] = [
        ...heldPorts(others.map((c) => ({ ports: publishedPorts(c.state), up: forwarded(c.state) }))),
        ...[...this.pending].filter(([id]) => id !== container).flatMap(([, ports]) => ports),
      ];
      const busy: HostPort[] = [];
      for (let round = 0; round < PROBE_ROUNDS; round++) {
        const chosen = decidePorts({ requests, exposed, reserved, busy });
        const bound: HostPort[] = [];
        for (const port of chosen) if (await this.deps.kernel.portInUse(port)) bound.push(port);
        if (bound.length === 0) {
          this.pending.set(container, chosen);
          return chosen;
        }
        busy.push(...bound);
      }
      throw new ConflictError(`no free host port found after ${PROBE_ROUNDS} tries: the host's processes hold them`);
    });
    this.queue = work.catch(() => {});
    return work;
  }

  /** A start's check: none of its ports is one a running container publishes (refused as Docker's start is). */
  checkStart(container: string, ports: PublishedPort[]): void {
    clashAtStart(ports, this.deps.containers().filter((c) => c.id !== container && forwarded(c.state)).flatMap((c) => publishedPorts(c.state)));
  }

  /** The create ended: its ports are held by its config now, or free again. */
  release(container: string): void {
    this.pending.delete(container);
  }

  /** The forwards of every container whose ports are forwarded (to its first network's addresses); `starting` counts as up. */
  forwards(addressOf: (container: string) => { address: string; address6?: string } | undefined, starting?: string): Array<{ container: string; forward: PortForward }> {
    return this.deps.containers()
      .filter((c) => forwarded(c.state) || (c.id === starting && publishedPorts(c.state).length > 0))
      .flatMap((c) => {
        const endpoint = addressOf(c.id);
        if (!endpoint) return [];
        return publishedPorts(c.state).map((port) => ({
          container: c.id,
          forward: { hostIp: port.hostIp, hostPort: port.hostPort, protocol: port.protocol, address: endpoint.address, containerPort: port.containerPort, ...endpoint.address6 ? { address6: endpoint.address6 } : {} },
        }));
      });
  }
}
