/** Image requests: import, list, inspect and remove, as commands to image actors. */
import { ConflictError } from '../../events/errors.js';
import type { Request } from '../../events/requests.js';
import { normalizeReference } from '../../runtime/images/reference.js';
import type { Host } from '../host.js';
import { imageByTag, liveContainers, liveImages, resolveImage } from '../resolve.js';
import { imageView } from '../views.js';
import type { RequestContext } from './context.js';

type ImageRequest = Extract<Request, { op: `image.${string}` }>;

export class ImageHandler {
  constructor(private readonly host: Host) {}

  async handle(request: ImageRequest, ctx: RequestContext): Promise<unknown> {
    const host = this.host;
    const meta = (step: string) => ({ id: `${ctx.id}.${step}`, correlation: ctx.id });
    switch (request.op) {
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
}
