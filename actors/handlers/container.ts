/**
 * Container requests: each becomes commands to container actors, whose decide owns every rule;
 * this handler resolves names, fills in defaults and waits for the outcome the client asked for.
 */
import { containerUserNamespace } from '../container/userNamespace.js';
import { sealEnv } from '../../runtime/secrets/env.js';
import { randomBytes } from 'node:crypto';
import { BerthError, ConflictError, ExecError, UnsupportedError, ValidationError } from '../../events/errors.js';
import { logDriverReads, resolveLogConfig } from '../../events/logDrivers.js';
import type { ContainerView, CreateSpec, Request } from '../../events/requests.js';
import { parseSignal } from '../../runtime/signals.js';
import type { ContainerEntity, Host } from '../host.js';
import { generateName } from '../name/generateName.js';
import { createContainer } from '../container/create.js';
import { containerConfig, exposedPortsOf } from '../container/createConfig.js';
import { renameContainer } from '../container/rename.js';
import { startWasInterrupted } from '../container/reconcile.js';
import { chainIdsOf, liveContainers, liveImages, resolveContainer, resolveImage } from '../resolve.js';
import { containerView } from '../views.js';
import { prepareMounts, recordVolumeUsers } from '../volume/attach.js';
import { containerNetworks } from './network.js';
import { leaseAddresses, networkingWarnings, releaseAddresses, reservePorts, resolveNetworking } from '../network/attach.js';
import type { RequestContext } from './context.js';
import { ensureImage } from './image.js';
import { inWindow, selectHistory, type LogFilter } from '../../runtime/containers/logFilter.js';
import type { LogChunk } from '../../runtime/containers/watch.js';
import { hasProcess, isRunning, isUp } from '../../events/containerStatus.js';

const WAIT_MS = 60_000;
/** How many times one request starts a container whose start a daemon's death cut short. */
const START_RESENDS = 3;
/** How many generated names a create tries when others take them first. */
const GENERATED_NAME_TRIES = 5;

type ContainerRequest = Extract<Request, { op: `container.${string}` }>;

/** What a create has resolved before it claims a name. */
interface CreateInput {
  id: string;
  imageId: string;
  record: NonNullable<ReturnType<typeof resolveImage>['state']['record']>;
  networking: Awaited<ReturnType<typeof reservePorts>>;
  meta: { id: string; correlation: string };
}

/** Removes a container and waits until it is gone; its volumes are released (anonymous ones removed with `volumes`). */
export async function removeContainer(host: Host, container: ContainerEntity, options: { force: boolean; volumes: boolean }, meta: { id: string; correlation: string }): Promise<void> {
  if (options.volumes) host.volumes.removeAnonymousWith(container.id);
  await container.execute({ type: 'Remove', force: options.force }, meta);
  // A removal that fails leaves the container dead with the error: the answer says so at once,
  // instead of waiting out WAIT_MS for a 'removed' that will not come.
  const removed = await container.waitFor((s) => s.status === 'removed' || s.status === 'dead', WAIT_MS);
  if (removed.status === 'dead') throw new BerthError(`cannot remove container ${container.id.slice(0, 12)}: ${removed.error ?? 'the removal failed'}`);
  await host.volumes.releaseContainer(removed, options.volumes);
}

export class ContainerHandler {
  constructor(private readonly host: Host) {}

  async handle(request: ContainerRequest, ctx: RequestContext): Promise<unknown> {
    const host = this.host;
    const meta = (step: string) => ({ id: `${ctx.id}.${step}`, correlation: ctx.id });
    switch (request.op) {
      case 'container.create': {
        await ensureImage(host, request.spec.imageRef, ctx);
        const container = await this.create(request.spec, ctx);
        if (request.start) await this.start(container, ctx);
        const warnings = networkingWarnings(request.spec);
        return { id: container.id, name: container.state.config!.name, ...(warnings.length ? { warnings } : {}) };
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
        await container.waitFor((s) => !isUp(s.status), request.timeoutSeconds * 1000 + WAIT_MS);
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
          .filter((s) => request.all || isRunning(s.status))
          .sort((a, b) => b.created - a.created)
          .map((c) => containerView(c, host.worker.secrets, host.containerHealth(c.id), host.selfFenced.get(c.id)));
        return request.size ? Promise.all(views.map((v) => this.withSizes(v))) : views;
      }
      case 'container.inspect': {
        const container = resolveContainer(host, request.ref);
        const view = { ...containerView(container.state, host.worker.secrets, host.containerHealth(container.id), host.selfFenced.get(container.id)), error: container.brokenMessage() ?? container.state.error };
        const volumes = (view.config.mounts ?? []).filter((m) => m.type === 'volume');
        const shown = { ...view, volumePaths: Object.fromEntries(volumes.map((m) => [m.source, host.worker.volumes.dataPath(m.source)])), networks: containerNetworks(host, view.id) };
        return request.size ? this.withSizes(shown) : shown;
      }
      case 'container.logs': {
        const container = resolveContainer(host, request.ref);
        const running = hasProcess(container.state.status);
        const logConfig = container.state.config?.logConfig;
        if (!logDriverReads(logConfig)) throw Object.assign(new UnsupportedError('configured logging driver does not support reading'), { exitCode: 1 });
        const filter: LogFilter = { sinceMs: request.sinceMs, untilMs: request.untilMs, tail: request.tail };
        const reader = host.worker.logReader(container.id, logConfig);
        void (async () => {
          // The history (rotated files first) filtered and cut to the tail; then, following, what
          // the same reader sees after it, so nothing is sent twice or lost across a rotation.
          const history: LogChunk[] = await reader.read();
          for (const chunk of selectHistory(history, filter)) ctx.publish(request.inbox, chunk);
          if (!request.follow || !running) return;
          await host.worker.followLogs(container.id, reader, (chunk) => {
            if (inWindow(chunk, filter)) ctx.publish(request.inbox, chunk);
          });
        })().catch((error: Error) => host.log.warn('sending the logs failed', { container: container.id.slice(0, 12), error })).finally(() => {
          void reader.close();
          ctx.publish(request.inbox, { eof: true });
        });
        return { id: container.id };
      }
      case 'container.rename': {
        const container = resolveContainer(host, request.ref);
        await renameContainer(host, container, request.name, meta('rename'));
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

  /** Builds the config from the spec and the image, and creates through the one create path. */
  private async create(spec: CreateSpec, ctx: RequestContext): Promise<ContainerEntity> {
    const host = this.host;
    const resent = spec.id ? host.containers.get(spec.id) : undefined;
    if (resent?.hasHandled(`${ctx.id}.create`)) return resent; // the same request again: it was created
    // The driver and options as dockerd merges them with its defaults, checked before anything is reserved.
    const logConfig = resolveLogConfig(spec.logConfig, host.settings.logConfig);
    host.worker.checkLogDriver(logConfig);
    spec = { ...spec, logConfig };
    const image = resolveImage(host, spec.imageRef);
    const record = image.state.record!;
    const id = spec.id ?? randomBytes(32).toString('hex');
    const meta = { id: `${ctx.id}.create`, correlation: ctx.id };
    const networking = await reservePorts(host, id, spec, resolveNetworking(host, spec), exposedPortsOf(spec, record));
    try {
      return await this.createNamed(spec, ctx, { id, record, imageId: image.id, networking, meta });
    } finally {
      host.networks.publishing.release(id);
    }
  }

  /** The create itself, tried again under another generated name when one is taken meanwhile. */
  private async createNamed(spec: CreateSpec, ctx: RequestContext, input: CreateInput): Promise<ContainerEntity> {
    const host = this.host;
    const { id, record, networking, meta } = input;
    const taken = (name: string) => host.names.holder('container', name) !== null;
    for (let attempt = 1; ; attempt++) {
      const name = spec.name ?? generateName(taken);
      const userns = containerUserNamespace(spec, host.settings.userns);
      const config = { ...containerConfig(spec, { id: input.imageId, record }, id, name, (entries) => sealEnv(host.worker.secrets, entries)), ...(networking ? { networking } : {}), ...(userns ? { userns } : {}) };
      const attemptId = attempt === 1 ? ctx.id : `${ctx.id}.${attempt}`;
      let mounts: Awaited<ReturnType<typeof prepareMounts>> = [];
      let leased = false;
      // Between the name's claim and the create: the volumes, then the addresses (leased on
      // their networks, and given back when the create fails).
      const prepare = async () => {
        mounts = await prepareMounts(host, spec, id, ctx, record.volumes ?? []);
        leased = true;
        await leaseAddresses(host, id, name, networking, attemptId);
        return mounts.length > 0 ? { ...config, mounts } : config;
      };
      try {
        const container = await createContainer(host, { id, config, prepare }, { ...meta, id: attempt === 1 ? meta.id : `${meta.id}${attempt}` });
        await recordVolumeUsers(host, id, mounts, ctx);
        return container;
      } catch (error) {
        if (leased) await releaseAddresses(host, id, networking, attemptId);
        // A generated name another create took meanwhile: another one.
        if (spec.name !== undefined || !(error instanceof ConflictError) || attempt >= GENERATED_NAME_TRIES || host.containers.get(id)) throw error;
      }
    }
  }

  /** Docker's SizeRw (the upper dir) and SizeRootFs (that and the image's layers). */
  private async withSizes(view: ContainerView): Promise<ContainerView> {
    const sizeRw = await this.host.worker.containerSize(view.id);
    const image = liveImages(this.host).find((i) => i.id === view.config.image)?.state.record?.size ?? 0;
    return { ...view, sizeRw, sizeRootFs: sizeRw + image };
  }

  /** Starts a container and waits for the outcome; a failed start becomes the error it was. */
  private async start(container: ContainerEntity, ctx: RequestContext): Promise<void> {
    // A resent request (client/survivingRequest.ts) whose start the daemon's death cut short,
    // and reconciliation failed: started again, under the next id, as its sender expects.
    let id = `${ctx.id}.start`;
    for (let attempt = 2; attempt <= START_RESENDS && container.hasHandled(id) && startWasInterrupted(container.state); attempt++) id = `${ctx.id}.start${attempt}`;
    await container.execute({ type: 'Start' }, { id, correlation: ctx.id });
    const state = await container.waitFor((s) => s.status !== 'starting', WAIT_MS);
    if (state.error && (state.status === 'exited' || state.status === 'removing' || state.status === 'removed')) {
      const code = state.exitCode;
      if (code === 126 || code === 127) throw new ExecError(state.error, code);
      throw new BerthError(state.error);
    }
  }
}
