/**
 * Container requests: each becomes commands to container actors, whose decide owns every rule;
 * this handler resolves names, fills in defaults and waits for the outcome the client asked for.
 */
import { randomBytes } from 'node:crypto';
import type { ContainerConfig } from '../../events/container.js';
import { BerthError, ConflictError, ExecError, ValidationError } from '../../events/errors.js';
import type { ContainerView, CreateSpec, Request } from '../../events/requests.js';
import { parseSignal } from '../../runtime/signals.js';
import type { ContainerEntity, Host } from '../host.js';
import { generateName } from '../names.js';
import { healthConfig } from '../container/health.js';
import { chainIdsOf, liveContainers, liveImages, resolveContainer, resolveImage } from '../resolve.js';
import { containerView } from '../views.js';
import { prepareMounts, recordVolumeUsers } from '../volume/attach.js';
import type { RequestContext } from './context.js';
import { ensureImage } from './image.js';
import { inWindow, selectHistory, type LogFilter } from '../../runtime/containers/logFilter.js';
import type { LogChunk } from '../../runtime/containers/watch.js';

const WAIT_MS = 60_000;
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

type ContainerRequest = Extract<Request, { op: `container.${string}` }>;

/** The stop signal a config keeps, by its name; an image's unknown one is dropped (SIGTERM then). */
function stopSignalOf(signal: string | undefined): { stopSignal?: string } {
  if (!signal) return {};
  try {
    const { name } = parseSignal(signal);
    return name === 'SIGTERM' ? {} : { stopSignal: name };
  } catch {
    return {};
  }
}

/** Removes a container and waits until it is gone; its volumes are released (anonymous ones removed with `volumes`). */
export async function removeContainer(host: Host, container: ContainerEntity, options: { force: boolean; volumes: boolean }, meta: { id: string; correlation: string }): Promise<void> {
  if (options.volumes) host.volumes.removeAnonymousWith(container.id);
  await container.execute({ type: 'Remove', force: options.force }, meta);
  const removed = await container.waitFor((s) => s.status === 'removed', WAIT_MS);
  await host.volumes.releaseContainer(removed, options.volumes);
}

export class ContainerHandler {
  /** Creates run one at a time on a host, so that name checks and creates do not interleave. */
  private creating: Promise<unknown> = Promise.resolve();

  constructor(private readonly host: Host) {}

  async handle(request: ContainerRequest, ctx: RequestContext): Promise<unknown> {
    const host = this.host;
    const meta = (step: string) => ({ id: `${ctx.id}.${step}`, correlation: ctx.id });
    switch (request.op) {
      case 'container.create': {
        // A missing image is pulled first, outside the one-at-a-time create queue.
        await ensureImage(host, request.spec.imageRef, ctx);
        const run = this.creating.then(() => this.create(request.spec, ctx));
        this.creating = run.catch(() => {});
        const container = await run;
        if (request.start) await this.start(container, ctx);
        return { id: container.id, name: container.state.config!.name };
      }
      case 'container.start':
        await this.start(resolveContainer(host, request.ref), ctx);
        return { id: resolveContainer(host, request.ref).id };
      case 'container.stop': {
        const container = resolveContainer(host, request.ref);
        // A start in flight (a user's, or the restart policy's) finishes first, so the stop
        // applies to the process it starts instead of being lost.
        for (let attempt = 0; attempt < 3; attempt++) {
          await container.waitFor((s) => s.status !== 'starting', WAIT_MS);
          await container.execute({ type: 'Stop', timeoutSeconds: request.timeoutSeconds, ...(request.signal ? { signal: parseSignal(request.signal).name } : {}) }, meta(`stop${attempt || ''}`));
          if (container.state.status !== 'starting') break;
        }
        await container.waitFor((s) => s.status !== 'running' && s.status !== 'stopping' && s.status !== 'starting', request.timeoutSeconds * 1000 + WAIT_MS);
        return { id: container.id };
      }
      case 'container.kill': {
        const container = resolveContainer(host, request.ref);
        const signal = parseSignal(request.signal).name;
        await container.execute({ type: 'Kill', signal }, meta('kill'));
        return { id: container.id };
      }
      case 'container.remove': {
        const container = resolveContainer(host, request.ref);
        await removeContainer(host, container, { force: request.force, volumes: request.volumes ?? false }, meta('remove'));
        return { id: container.id };
      }
      case 'container.list': {
        const views = liveContainers(host)
          .map((c) => c.state)
          .filter((s) => request.all || s.status === 'running' || s.status === 'stopping' || s.status === 'paused')
          .sort((a, b) => b.created - a.created)
          .map(containerView);
        return request.size ? Promise.all(views.map((v) => this.withSizes(v))) : views;
      }
      case 'container.inspect': {
        const view = containerView(resolveContainer(host, request.ref).state);
        const volumes = (view.config.mounts ?? []).filter((m) => m.type === 'volume');
        const shown = { ...view, volumePaths: Object.fromEntries(volumes.map((m) => [m.source, host.worker.volumes.dataPath(m.source)])) };
        return request.size ? this.withSizes(shown) : shown;
      }
      case 'container.logs': {
        const container = resolveContainer(host, request.ref);
        const running = container.state.status === 'running' || container.state.status === 'stopping' || container.state.status === 'paused';
        const filter: LogFilter = { sinceMs: request.sinceMs, untilMs: request.untilMs, tail: request.tail };
        const reader = host.worker.logReader(container.id);
        void (async () => {
          // The history (rotated files first) filtered and cut to the tail; then, following, what
          // the same reader sees after it, so nothing is sent twice or lost across a rotation.
          const history: LogChunk[] = await reader.read();
          for (const chunk of selectHistory(history, filter)) ctx.publish(request.inbox, chunk);
          if (!request.follow || !running) return;
          await host.worker.followLogs(container.id, reader, (chunk) => {
            if (inWindow(chunk, filter)) ctx.publish(request.inbox, chunk);
          });
        })().catch(() => {}).finally(() => {
          void reader.close();
          ctx.publish(request.inbox, { eof: true });
        });
        return { id: container.id };
      }
      case 'container.rename': {
        const container = resolveContainer(host, request.ref);
        // Names are checked and changed one at a time, like creates.
        const run = this.creating.then(() => this.rename(container, request.name, ctx));
        this.creating = run.catch(() => {});
        await run;
        return { id: container.id };
      }
      case 'container.update': {
        const container = resolveContainer(host, request.ref);
        await container.execute({ type: 'Update', changes: request.changes }, meta('update'));
        return { id: container.id };
      }
      case 'container.export': {
        const container = resolveContainer(host, request.ref);
        if (!request.path.startsWith('/')) throw new ValidationError('export: the output path must be absolute');
        await host.worker.exportRootfs(container.id, chainIdsOf(host, container), request.path);
        return { id: container.id };
      }
      case 'container.diff': {
        const container = resolveContainer(host, request.ref);
        return { changes: await host.worker.diffRootfs(container.id, chainIdsOf(host, container)) };
      }
    }
  }

  private async rename(container: ContainerEntity, name: string, ctx: RequestContext): Promise<void> {
    if (!NAME.test(name)) throw new ValidationError(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
    const owner = liveContainers(this.host).find((c) => c.state.config?.name === name);
    if (owner && owner !== container) {
      throw new ConflictError(`Conflict. The container name "/${name}" is already in use by container "${owner.id}". You have to remove (or rename) that container to be able to reuse that name.`);
    }
    await container.execute({ type: 'Rename', name }, { id: `${ctx.id}.rename`, correlation: ctx.id });
  }

  private async create(spec: CreateSpec, ctx: RequestContext): Promise<ContainerEntity> {
    const host = this.host;
    const resent = spec.id ? host.containers.get(spec.id) : undefined;
    if (resent?.hasHandled(`${ctx.id}.create`)) return resent; // the same request again: it was created
    const image = resolveImage(host, spec.imageRef);
    const record = image.state.record!;
    const taken = (name: string) => liveContainers(host).some((c) => c.state.config?.name === name);
    if (spec.name !== undefined) {
      if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(spec.name)) {
        throw new ValidationError(`Invalid container name (${spec.name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
      }
      const owner = liveContainers(host).find((c) => c.state.config?.name === spec.name);
      if (owner) {
        throw new ConflictError(`Conflict. The container name "/${spec.name}" is already in use by container "${owner.id}". You have to remove (or rename) that container to be able to reuse that name.`);
      }
    }
    // Docker's rule: --entrypoint replaces the image's and drops its Cmd too.
    const entrypoint = spec.entrypoint ?? record.entrypoint;
    const cmd = [...entrypoint, ...(spec.cmd.length > 0 || spec.entrypoint !== undefined ? spec.cmd : record.cmd)];
    if (cmd.length === 0) throw new BerthError('No command specified');
    const id = spec.id ?? randomBytes(32).toString('hex');
    if (host.containers.get(id) && host.containers.get(id)!.state.status !== 'none') {
      throw new ConflictError(`a container with id ${id.slice(0, 12)} already exists`);
    }
    const config: ContainerConfig = {
      name: spec.name ?? generateName(taken),
      image: image.id,
      imageRef: spec.imageRef,
      cmd,
      entrypoint,
      env: mergeEnv(record.env, spec.env),
      workingDir: spec.workingDir ?? record.workingDir,
      hostname: spec.hostname ?? id.slice(0, 12),
      memoryBytes: spec.memoryBytes,
      pidsLimit: spec.pidsLimit,
      autoRemove: spec.autoRemove,
      labels: spec.labels,
      // The image's User applies unless -u names one (the shim refuses ids that would wrap).
      ...(spec.security || record.user ? { security: { ...spec.security, ...(spec.security?.user || !record.user ? {} : { user: record.user }) } } : {}),
      ...(spec.resources ? { resources: spec.resources } : {}),
      restartPolicy: spec.restartPolicy,
      healthcheck: healthConfig(spec.health ?? {}, record.healthcheck),
      ...(spec.openStdin ? { openStdin: true } : {}),
      ...(spec.tty ? { tty: true } : {}),
      ...(spec.logConfig ? { logConfig: spec.logConfig } : {}),
      ...(spec.init ? { init: true } : {}),
      ...stopSignalOf(spec.stopSignal ?? record.stopSignal),
    };
    const mounts = await prepareMounts(host, spec, id, ctx, record.volumes ?? []);
    if (mounts.length > 0) config.mounts = mounts;
    const container = host.container(id);
    await container.execute({ type: 'Create', config }, { id: `${ctx.id}.create`, correlation: ctx.id });
    await recordVolumeUsers(host, id, mounts, ctx);
    return container;
  }

  /** Docker's SizeRw (the upper dir) and SizeRootFs (that and the image's layers). */
  private async withSizes(view: ContainerView): Promise<ContainerView> {
    const sizeRw = await this.host.worker.containerSize(view.id);
    const image = liveImages(this.host).find((i) => i.id === view.config.image)?.state.record?.size ?? 0;
    return { ...view, sizeRw, sizeRootFs: sizeRw + image };
  }

  /** Starts a container and waits for the outcome; a failed start becomes the error it was. */
  private async start(container: ContainerEntity, ctx: RequestContext): Promise<void> {
    await container.execute({ type: 'Start' }, { id: `${ctx.id}.start`, correlation: ctx.id });
    const state = await container.waitFor((s) => s.status !== 'starting', WAIT_MS);
    if (state.error && (state.status === 'exited' || state.status === 'removing' || state.status === 'removed')) {
      const code = state.exitCode;
      if (code === 126 || code === 127) throw new ExecError(state.error, code);
      throw new BerthError(state.error);
    }
  }
}

/** Image env first; the user's KEY=VALUE replace the image's by key. */
function mergeEnv(base: string[], overrides: string[]): string[] {
  const env = new Map<string, string>();
  for (const entry of [...base, ...overrides]) {
    const eq = entry.indexOf('=');
    env.set(eq === -1 ? entry : entry.slice(0, eq), entry);
  }
  return [...env.values()];
}
