/**
 * Pause, unpause, exec, stats and top: each becomes commands to a container actor (whose
 * decide owns the rules), or reads the kernel through the worker.
 */
import { sealEnv } from '../../runtime/secrets/env.js';
import os from 'node:os';
import type { Request } from '../../events/requests.js';
import type { StatsView } from '../../events/requests/containerRuntime.js';
import { ConflictError } from '../../events/errors.js';
import type { Host } from '../host.js';
import { liveContainers, resolveContainer } from '../resolve.js';
import type { RequestContext } from './context.js';
import { hasProcess } from '../../events/containerStatus.js';

export const RUNTIME_OPS: ReadonlySet<string> = new Set(['container.pause', 'container.unpause', 'container.exec', 'container.stats', 'container.top']);

type RuntimeRequest = Extract<Request, { op: 'container.pause' | 'container.unpause' | 'container.exec' | 'container.stats' | 'container.top' }>;

export class ContainerRuntimeHandler {
  constructor(private readonly host: Host) {}

  async handle(request: RuntimeRequest, ctx: RequestContext): Promise<unknown> {
    const host = this.host;
    const meta = (step: string) => ({ id: `${ctx.id}.${step}`, correlation: ctx.id });
    switch (request.op) {
      case 'container.pause': {
        const container = resolveContainer(host, request.ref);
        await container.execute({ type: 'Pause' }, meta('pause'));
        // the effect freezes too; this waits until the kernel says frozen (idempotent)
        await host.worker.pause(container.id);
        return { id: container.id };
      }
      case 'container.unpause': {
        const container = resolveContainer(host, request.ref);
        await container.execute({ type: 'Unpause' }, meta('unpause'));
        await host.worker.unpause(container.id);
        return { id: container.id };
      }
      case 'container.exec': {
        const container = resolveContainer(host, request.ref);
        // Its -e values are recorded sealed to this host: the exec_created event travels to every host.
        const exec = { ...request.exec, env: [], ...sealEnv(host.worker.secrets, request.exec.env) };
        await container.execute({ type: 'Exec', exec }, meta('exec'));
        return { id: container.id };
      }
      case 'container.top': {
        const container = resolveContainer(host, request.ref);
        if (!hasProcess(container.state.status)) throw new ConflictError(`Container ${container.id.slice(0, 12)} is not running`);
        return host.worker.top(container.id);
      }
      case 'container.stats': {
        const containers = request.refs.length
          ? request.refs.map((ref) => resolveContainer(host, ref))
          : liveContainers(host).filter((c) => hasProcess(c.state.status));
        const views: StatsView[] = [];
        for (const container of containers) {
          if (!hasProcess(container.state.status)) throw new ConflictError(`Container ${container.id.slice(0, 12)} is not running`);
          const stats = await host.worker.stats(container.id);
          views.push({ id: container.id, name: container.state.config!.name, read: Date.now(), onlineCpus: os.cpus().length, ...stats });
        }
        return views;
      }
    }
  }
}
