/** `container prune` and `image prune` (and so `system prune`): commands to each entity that goes. */
import { ConflictError, NotFoundError } from '../../events/errors.js';
import type { Request } from '../../events/requests.js';
import type { Host } from '../host.js';
import { liveContainers, liveImages } from '../resolve.js';
import { removeContainer } from './container.js';
import type { RequestContext } from './context.js';
import { isStopped } from '../../events/containerStatus.js';
import { deleteImage } from '../image/tags.js';

export const PRUNE_OPS: ReadonlySet<string> = new Set(['container.prune', 'image.prune']);

type PruneRequest = Extract<Request, { op: 'container.prune' | 'image.prune' }>;

/** The states a prune removes: never run, or run and ended. */

export class PruneHandler {
  constructor(private readonly host: Host) {}

  async handle(request: PruneRequest, ctx: RequestContext): Promise<unknown> {
    const meta = (step: string) => ({ id: `${ctx.id}.${step}`, correlation: ctx.id });
    return request.op === 'container.prune' ? this.containers(meta) : this.images(request.all, meta);
  }

  private async containers(meta: (step: string) => { id: string; correlation: string }) {
    const removed: string[] = [];
    let reclaimedBytes = 0;
    for (const container of liveContainers(this.host).filter((c) => isStopped(c.state.status))) {
      const size = await this.host.worker.containerSize(container.id);
      try {
        await removeContainer(this.host, container, { force: false, volumes: false }, meta(`prune.${container.id}`));
      } catch (error) {
        if (error instanceof ConflictError || error instanceof NotFoundError) continue; // started or removed meanwhile
        throw error;
      }
      removed.push(container.id);
      reclaimedBytes += size;
    }
    return { removed, reclaimedBytes };
  }

  private async images(all: boolean, meta: (step: string) => { id: string; correlation: string }) {
    const used = new Set(liveContainers(this.host).map((c) => c.state.config?.image));
    const chosen = liveImages(this.host).filter((i) => !used.has(i.id) && (all || i.state.tags.length === 0));
    const sizes = new Map<string, number>();
    for (const chain of new Set(chosen.flatMap((i) => i.state.record!.chainIds))) sizes.set(chain, await this.host.worker.layerSize(chain));
    const untagged: string[] = [];
    const deleted: string[] = [];
    for (const image of chosen) {
      const tags = image.state.tags;
      await deleteImage(this.host, image, meta(`prune.${image.id}`));
      untagged.push(...tags);
      deleted.push(`sha256:${image.id}`);
    }
    // A layer is freed only when no image left uses it.
    const kept = new Set(liveImages(this.host).flatMap((i) => i.state.record!.chainIds));
    const reclaimedBytes = [...sizes].filter(([chain]) => !kept.has(chain)).reduce((sum, [, size]) => sum + size, 0);
    return { untagged, deleted, reclaimedBytes };
  }
}
