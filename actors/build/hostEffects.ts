/**
 * The builder's effects on a live host: images resolved (or pulled) and recorded through the
 * image actors, each RUN a real container made through the create path (so it is isolated like
 * any other, and shows in `berth events`), its changes stored as a layer as commit stores
 * them, and the container removed whatever happens.
 */
import { randomBytes } from 'node:crypto';
import { BerthError } from '../../events/errors.js';
import type { ImageRecord } from '../../events/image.js';
import type { BuildOptions, CreateSpec } from '../../events/requests.js';
import type { BuildContext } from '../../runtime/build/buildContext.js';
import { copyFromLayers } from '../../runtime/build/cacheKey.js';
import { sourcesDigest } from '../../runtime/build/contextIndex.js';
import type { ConfigBlob } from '../../runtime/build/stageState.js';
import type { Host } from '../host.js';
import { liveImages } from '../resolve.js';
import type { RequestContext } from '../handlers/context.js';
import { ContainerHandler, removeContainer } from '../handlers/container.js';
import { admitImage, ensureImage } from '../handlers/image.js';
import { claimTag, settleTag } from '../image/tags.js';
import type { BuildEffects, BuiltImage, CopyWork, RunWork } from './effects.js';
import { OutputLines } from './outputLines.js';

/** How long a RUN may take before the build gives up on it. */
const RUN_TIMEOUT_MS = 6 * 60 * 60_000;

export class HostBuildEffects implements BuildEffects {
  private steps = 0;
  private readonly containers: ContainerHandler;

  constructor(
    private readonly host: Host,
    private readonly ctx: RequestContext,
    private readonly options: BuildOptions,
    /** The build's work dir and its context. */
    private readonly work: { dir: string; context: BuildContext },
  ) {
    this.containers = new ContainerHandler(host);
  }

  private meta(what: string) {
    return { id: `${this.ctx.id}.build.${this.steps++}.${what}`, correlation: this.ctx.id };
  }

  private async built(id: string, record: ImageRecord): Promise<BuiltImage> {
    return { id, record, blob: await this.host.worker.builds.readConfig(record) };
  }

  async baseImage(ref: string): Promise<BuiltImage> {
    const image = await ensureImage(this.host, ref, this.ctx);
    return this.built(image.id, image.state.record!);
  }

  async image(id: string): Promise<BuiltImage | null> {
    const image = liveImages(this.host).find((i) => i.id === id);
    return image ? this.built(image.id, image.state.record!) : null;
  }

  private spec(imageId: string, work: RunWork): CreateSpec {
    const network = this.options.network ?? 'none';
    const special = network === 'none' || network === 'host';
    return {
      id: randomBytes(32).toString('hex'),
      imageRef: imageId,
      cmd: work.argv,
      entrypoint: [],
      env: work.env,
      workingDir: work.workingDir,
      autoRemove: false,
      // Marks the build's containers, so that one a crash leaves behind can be told apart.
      labels: { 'berth.build': this.ctx.id },
      // A RUN runs as the stage's USER, root when none (never the base image's own User).
      security: { user: work.user || '0', ...(special ? { network: network as 'none' | 'host' } : {}) },
      ...(!special || this.options.extraHosts?.length
        ? { networking: { ...(special ? {} : { network }), aliases: [], extraHosts: this.options.extraHosts ?? [], dns: [], dnsSearch: [], dnsOptions: [] } }
        : {}),
    };
  }

  async run(imageId: string, diffIds: string[], work: RunWork, onLine: (stream: 'stdout' | 'stderr', line: string) => void) {
    const spec = this.spec(imageId, work);
    const id = spec.id!;
    const requestId = `${this.ctx.id}.run.${this.steps++}`;
    // The output as it comes: the container's own watch feeds the tap (before its exit is
    // recorded, so all of it is in by the time the wait below ends).
    const lines = new OutputLines(onLine);
    this.host.outputTaps.set(id, (chunk) => {
      if (chunk.eof) lines.end();
      else if (chunk.data) lines.push(chunk.stream ?? 'stdout', chunk.data);
    });
    try {
      await this.containers.handle({ op: 'container.create', spec, start: true }, { ...this.ctx, id: requestId });
      const container = this.host.containers.get(id)!;
      const state = await container.waitFor((s) => s.status === 'exited' || s.status === 'dead' || s.status === 'removed', RUN_TIMEOUT_MS);
      lines.end();
      if (state.exitCode !== 0) {
        throw new BerthError(`process "${work.argv.join(' ')}" did not complete successfully: exit code: ${state.exitCode ?? 'unknown'}`);
      }
      return await this.host.worker.builds.storeLayer(diffIds, this.host.worker.layout.container(id).upper);
    } finally {
      this.host.outputTaps.delete(id);
      const container = this.host.containers.get(id);
      if (container && container.state.status !== 'none' && container.state.status !== 'removed') {
        await removeContainer(this.host, container, { force: true, volumes: true }, { id: `${requestId}.remove`, correlation: this.ctx.id })
          .catch((error: Error) => this.host.log.warn('removing a build container failed', { container: id.slice(0, 12), error }));
      }
    }
  }

  async stageCopy(from: 'context' | { diffIds: string[] }, diffIds: string[], work: CopyWork) {
    const builds = this.host.worker.builds;
    const root = await builds.sourceRoot(from === 'context' ? { dir: await this.work.context.dir() } : from);
    return builds.stageCopy(this.work.dir, root, diffIds, work);
  }

  async copySource(from: 'context' | { diffIds: string[] }, work: CopyWork): Promise<string | null> {
    if (from !== 'context') return copyFromLayers(from.diffIds);
    const index = await this.work.context.index();
    return index ? sourcesDigest(index, work.sources) : null;
  }

  storeLayer(diffIds: string[], dir: string) {
    return this.host.worker.builds.storeLayer(diffIds, dir);
  }

  async admit(blob: ConfigBlob, size: number, layerBlobs: string[] | undefined, step: string, parent: string | null): Promise<BuiltImage> {
    const record = { ...await this.host.worker.builds.writeImage(blob, size, layerBlobs), ...(parent ? { parent } : {}) };
    const known = liveImages(this.host).find((i) => i.id === record.configDigest.slice(7));
    if (known) return { id: known.id, record: known.state.record!, blob };
    const image = await admitImage(this.host, 'Commit', record, this.ctx, `build.${this.steps++}.${step}`);
    return { id: image.id, record, blob };
  }

  async tag(id: string, tags: string[]): Promise<void> {
    const image = this.host.images.get(id)!;
    for (const tag of tags) {
      const meta = this.meta('tag');
      await claimTag(this.host, tag, id, meta);
      if (!image.state.tags.includes(tag)) await image.execute({ type: 'Tag', tag }, meta);
      await settleTag(this.host, tag, meta);
    }
  }

  cacheGet(key: string) {
    return this.host.worker.builds.cacheGet(key);
  }

  cachePut(key: string, imageId: string) {
    return this.host.worker.builds.cachePut(key, imageId);
  }
}
