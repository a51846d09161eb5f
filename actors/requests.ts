/**
 * What a host does with each request from the bus. Requests are intent: each becomes commands
 * to entity actors, whose decide functions own every rule; this file only resolves names,
 * fills in defaults and waits for the outcome the client asked to see.
 */
import { randomBytes } from 'node:crypto';
import type { ContainerConfig } from '../events/container.js';
import { BerthError, ConflictError, ExecError, ValidationError } from '../events/errors.js';
import type { CreateSpec, OutputChunk, Request } from '../events/requests.js';
import { normalizeReference } from '../runtime/images/reference.js';
import { parseSignal } from '../runtime/signals.js';
import type { ContainerEntity, Host } from './host.js';
import { generateName } from './names.js';
import { imageByTag, liveContainers, liveImages, resolveContainer, resolveImage } from './resolve.js';
import { containerView, imageView } from './views.js';

export const VERSION = '0.1.0';
const WAIT_MS = 60_000;

/** What a handler may use besides the host. */
export interface RequestContext {
  /** The request id: event ids derive from it. */
  id: string;
  /** Publishes an output chunk to a subject (the logs inbox). */
  publish(subject: string, chunk: OutputChunk): void;
}

export class RequestHandler {
  /** Creates run one at a time on a host, so that name checks and creates do not interleave. */
  private creating: Promise<unknown> = Promise.resolve();

  constructor(private readonly host: Host) {}

  async handle(request: Request, ctx: RequestContext): Promise<unknown> {
    const host = this.host;
    const meta = (step: string) => ({ id: `${ctx.id}.${step}`, correlation: ctx.id });
    switch (request.op) {
      case 'system.ping':
        return { host: host.id, version: VERSION, pid: process.pid };
      case 'container.create': {
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
        await container.execute({ type: 'Stop', timeoutSeconds: request.timeoutSeconds }, meta('stop'));
        await container.waitFor((s) => s.status !== 'running' && s.status !== 'stopping', request.timeoutSeconds * 1000 + WAIT_MS);
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
        await container.execute({ type: 'Remove', force: request.force }, meta('remove'));
        await container.waitFor((s) => s.status === 'removed', WAIT_MS);
        return { id: container.id };
      }
      case 'container.list':
        return liveContainers(host)
          .map((c) => c.state)
          .filter((s) => request.all || s.status === 'running' || s.status === 'stopping')
          .sort((a, b) => b.created - a.created)
          .map(containerView);
      case 'container.inspect':
        return containerView(resolveContainer(host, request.ref).state);
      case 'container.logs': {
        const container = resolveContainer(host, request.ref);
        const running = container.state.status === 'running' || container.state.status === 'stopping';
        void host.worker
          .streamLogs(container.id, request.follow, running, (chunk) => ctx.publish(request.inbox, chunk))
          .finally(() => ctx.publish(request.inbox, { eof: true }));
        return { id: container.id };
      }
      case 'image.import': {
        const tags = request.ref ? [normalizeReference(request.ref)] : [];
        const record = await host.worker.importImage(request.path, tags);
        for (const tag of tags) await this.moveTag(tag, record.configDigest, ctx);
        const image = host.image(record.configDigest);
        await image.execute({ type: 'Import', record }, meta('import'));
        return { id: image.id };
      }
      case 'image.list':
        return liveImages(host).map((i) => imageView(i.state));
      case 'image.inspect':
        return imageView(resolveImage(host, request.ref).state);
      case 'image.remove': {
        const image = resolveImage(host, request.ref);
        let tag: string | null = null;
        try { tag = normalizeReference(request.ref); } catch { /* an id */ }
        if (tag && image.state.tags.includes(tag) && image.state.tags.length > 1) {
          await image.execute({ type: 'Untag', tag }, meta('untag'));
          return { id: image.id };
        }
        const user = liveContainers(host).find((c) => c.state.config?.image === image.id);
        if (user && !request.force) {
          throw new ConflictError(`unable to remove image ${request.ref}: container ${user.id.slice(0, 12)} uses it (remove the container, or use -f)`);
        }
        await image.execute({ type: 'Delete' }, meta('delete'));
        return { id: image.id };
      }
    }
  }

  /** A tag names one image: importing it elsewhere takes it from the old image. */
  private async moveTag(tag: string, configDigest: string, ctx: RequestContext): Promise<void> {
    const previous = imageByTag(this.host, tag);
    if (previous && `sha256:${previous.id}` !== configDigest) {
      await previous.execute({ type: 'Untag', tag }, { id: `${ctx.id}.untag`, correlation: ctx.id });
    }
  }

  private async create(spec: CreateSpec, ctx: RequestContext): Promise<ContainerEntity> {
    const host = this.host;
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
    const cmd = [...record.entrypoint, ...(spec.cmd.length > 0 ? spec.cmd : record.cmd)];
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
      env: mergeEnv(record.env, spec.env),
      workingDir: spec.workingDir ?? record.workingDir,
      hostname: spec.hostname ?? id.slice(0, 12),
      memoryBytes: spec.memoryBytes,
      pidsLimit: spec.pidsLimit,
      autoRemove: spec.autoRemove,
      labels: spec.labels,
    };
    const container = host.container(id);
    await container.execute({ type: 'Create', config }, { id: `${ctx.id}.create`, correlation: ctx.id });
    return container;
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
