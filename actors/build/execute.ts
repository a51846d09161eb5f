/**
 * Runs a build plan through the engine's effects: each needed stage from its base, each
 * instruction through the stage state (runtime/build/stageState.ts), each layer step looked
 * up in the cache first (runtime/build/cacheKey.ts; a COPY or ADD by its sources before it is
 * staged, then by the staged content) and otherwise done (a RUN container, a
 * COPY staged) and recorded as an intermediate image; then the target's final image, with the
 * labels, tagged. Events go out as BuildKit's vertices.
 */
import { BerthError } from '../../events/errors.js';
import type { BuildOptions } from '../../events/requests.js';
import { copyKey, imageKey, stepKey } from '../../runtime/build/cacheKey.js';
import type { BuildPlan, Stage } from '../../runtime/build/plan.js';
import { parseReference } from '../../runtime/images/reference.js';
import { addLayer, applyInstruction, initialState, type ConfigBlob, type StageState } from '../../runtime/build/stageState.js';
import type { BuildEffects, BuiltImage } from './effects.js';
import type { Vertex, Vertices } from './vertices.js';

/** A stage built so far: its state, the image holding its layers, its size and layer blobs. */
interface Built {
  state: StageState;
  imageId: string | null;
  size: number;
  layerBlobs: string[] | undefined;
}

const LAYER_STEPS = new Set(['RUN', 'COPY', 'ADD']);

export class BuildError extends BerthError {
  override name = 'BuildError';
}

export class BuildExecutor {
  private readonly built = new Map<number, Built>();

  constructor(private readonly plan: BuildPlan, private readonly options: BuildOptions, private readonly effects: BuildEffects, private readonly vertices: Vertices) {}

  /** Builds the target; returns the final image's id. */
  async build(): Promise<string> {
    for (const name of this.plan.unusedBuildArgs) this.vertices.info(`[Warning] One or more build-args [${name}] were not consumed`);
    for (const index of this.plan.order) this.built.set(index, await this.buildStage(this.plan.stages[index]!));
    const target = this.built.get(this.plan.target)!;
    return this.vertices.run('exporting to image', async (vertex) => {
      const image = await this.finalImage(target);
      vertex.log('stdout', `writing image sha256:${image.id}`);
      for (const tag of this.options.tags) {
        const ref = parseReference(tag);
        vertex.log('stdout', `naming to ${ref.registry}/${ref.repository}:${ref.tag}`);
      }
      await this.effects.tag(image.id, this.options.tags);
      return image.id;
    });
  }

  private prefix(stage: Stage): string {
    if (this.plan.stages.length === 1) return '';
    return `${stage.name ?? `stage-${stage.index}`} `;
  }

  private async buildStage(stage: Stage): Promise<Built> {
    const total = 1 + stage.instructions.filter((i) => LAYER_STEPS.has(i.keyword)).length;
    const label = (k: number, text: string) => `[${this.prefix(stage)}${k}/${total}] ${text}`;
    let built = await this.vertices.run(label(1, stage.text), () => this.base(stage));
    let k = 1;
    const now = new Date().toISOString();
    const ctx = { buildArgs: this.options.buildArgs, globalArgs: this.plan.globalArgs, escape: this.plan.escape, now };
    for (const [i, instruction] of stage.instructions.entries()) {
      let applied;
      try {
        applied = applyInstruction(built.state, instruction, ctx);
      } catch (error) {
        throw new BuildError(`Dockerfile:${instruction.line}: ${instruction.text}: ${(error as Error).message}`, { cause: error });
      }
      if (!applied.work) {
        built = { ...built, state: applied.state };
        continue;
      }
      const work = applied.work;
      const copyFrom = stage.copyFrom.get(i);
      built = await this.vertices.run(label(++k, instruction.text), async (vertex) => {
        try {
          return await this.layerStep(built, work, copyFrom, vertex);
        } catch (error) {
          throw new BuildError(`Dockerfile:${instruction.line}: ${instruction.keyword}: ${(error as Error).message}`, { cause: error });
        }
      });
    }
    return built;
  }

  private async base(stage: Stage): Promise<Built> {
    if ('scratch' in stage.base) return { state: initialState(null), imageId: null, size: 0, layerBlobs: [] };
    if ('stage' in stage.base) {
      const from = this.built.get(stage.base.stage)!;
      return { ...from, state: { ...initialState(from.state.blob) } };
    }
    const image = await this.effects.baseImage(stage.base.image);
    return { state: initialState(image.blob), imageId: image.id, size: image.record.size, layerBlobs: image.record.layerBlobs };
  }

  /** A RUN, COPY or ADD: from the cache, or done and recorded as an intermediate image. */
  private async layerStep(built: Built, work: NonNullable<ReturnType<typeof applyInstruction>['work']>, copyFrom: Stage['copyFrom'] extends Map<number, infer V> ? V | undefined : never, vertex: Vertex): Promise<Built> {
    const diffIds = built.state.blob.rootfs.diff_ids;
    const fromCache = (hit: BuiltImage): Built => {
      vertex.cached();
      return { state: { ...built.state, blob: hit.blob }, imageId: hit.id, size: hit.record.size, layerBlobs: hit.record.layerBlobs };
    };
    let staged: { dir: string; digest: string } | null = null;
    // A COPY or ADD is looked up by its sources first: a hit needs no staging.
    let sourceKey: string | null = null;
    if (work.kind === 'copy') {
      const from = copyFrom === undefined ? 'context' as const
        : 'stage' in copyFrom ? { diffIds: this.built.get(copyFrom.stage)!.state.blob.rootfs.diff_ids }
        : { diffIds: (await this.effects.baseImage(copyFrom.image)).blob.rootfs.diff_ids };
      const source = await this.effects.copySource(from, work);
      sourceKey = source === null ? null : copyKey(built.state.blob, work, source);
      const hit = sourceKey && !this.options.noCache ? await this.cached(sourceKey) : null;
      if (hit) return fromCache(hit);
      staged = await this.effects.stageCopy(from, diffIds, work);
    }
    const key = stepKey(built.state.blob, work, work.kind === 'copy' ? { contentDigest: staged!.digest } : { network: this.options.network ?? 'none' });
    if (!this.options.noCache) {
      const hit = await this.cached(key);
      if (hit) {
        if (sourceKey) await this.effects.cachePut(sourceKey, hit.id);
        return fromCache(hit);
      }
    }
    let layer;
    if (work.kind === 'run') {
      if (built.imageId === null) throw new BuildError('RUN needs a base image with a filesystem (FROM scratch has none)');
      layer = await this.effects.run(built.imageId, diffIds, work, vertex.log);
    } else layer = await this.effects.storeLayer(diffIds, staged!.dir);
    const state = addLayer(built.state, layer?.diffId ?? null, work.createdBy, new Date().toISOString());
    const layerBlobs = built.layerBlobs && layer ? [...built.layerBlobs, layer.diffId] : built.layerBlobs;
    const size = built.size + (layer?.size ?? 0);
    const image = await this.effects.admit(state.blob, size, layerBlobs, 'step', built.imageId);
    await this.effects.cachePut(key, image.id);
    if (sourceKey) await this.effects.cachePut(sourceKey, image.id);
    return { state, imageId: image.id, size, layerBlobs };
  }

  private async cached(key: string): Promise<BuiltImage | null> {
    const id = await this.effects.cacheGet(key);
    return id ? this.effects.image(id) : null;
  }

  /** The target's image: the last step's when nothing changed after it, else a new config (cached by content). */
  private async finalImage(target: Built): Promise<BuiltImage> {
    const labels = this.options.labels;
    const blob: ConfigBlob = Object.keys(labels).length === 0 ? target.state.blob
      : { ...target.state.blob, config: { ...target.state.blob.config, Labels: { ...(target.state.blob.config.Labels ?? {}), ...labels } } };
    if (target.imageId) {
      const last = await this.effects.image(target.imageId);
      if (last && JSON.stringify(last.blob) === JSON.stringify(blob)) return last;
    }
    const key = imageKey(blob);
    if (!this.options.noCache) {
      const hit = await this.cached(key);
      if (hit) return hit;
    }
    const image = await this.effects.admit(blob, target.size, target.layerBlobs, 'image', target.imageId);
    await this.effects.cachePut(key, image.id);
    return image;
  }
}
