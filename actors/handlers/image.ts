/** Image requests: import, pull, push, tag, list, inspect, remove and registry logins, as commands to image actors. */
import { BerthError, ConflictError, NotFoundError, ValidationError } from '../../events/errors.js';
import type { ImageRecord } from '../../events/image.js';
import type { Request } from '../../events/requests.js';
import { progressTo } from './progress.js';
import { parseChange } from '../../runtime/images/configChanges.js';
import { hasExplicitTag, normalizeReference, parseReference, splitReference } from '../../runtime/images/reference.js';
import type { Host, ImageEntity } from '../host.js';
import { imageByTag, liveContainers, liveImages, resolveImage } from '../resolve.js';
import { imageView } from '../views.js';
import { claimTag, deleteImage, releaseTag, settleTag } from '../image/tags.js';
import type { RequestContext } from './context.js';

type ImageRequest = Extract<Request, { op: `image.${string}` }>;

const meta = (ctx: RequestContext, step: string) => ({ id: `${ctx.id}.${step}`, correlation: ctx.id });

/** Records an image that entered the store (imported, pulled, loaded or committed) and moves its tags to it. */
export async function admitImage(host: Host, type: 'Import' | 'Pull' | 'Load' | 'Commit', record: ImageRecord, ctx: RequestContext, step: string): Promise<ImageEntity> {
  const image = host.image(record.configDigest);
  const at = meta(ctx, step);
  for (const tag of record.tags) await claimTag(host, tag, image.id, at);
  await image.execute({ type, record }, at);
  for (const tag of record.tags) await settleTag(host, tag, at);
  return image;
}

/** Pulls a reference and records the image; `already` when the store had it all. */
export function pullReference(host: Host, ref: string, platform: string | undefined, ctx: RequestContext, progressInbox?: string) {
  // Until the image is recorded, no image's files are deleted (a layer found here stays).
  return host.layerGate.produce(async () => {
    const pulled = await host.worker.images.pull(ref, platform, progressTo(ctx, progressInbox));
    const known = host.images.get(pulled.record.configDigest.slice(7));
    const already = pulled.fetched === 0 && known?.state.status === 'present' && pulled.record.tags.every((t) => known.state.tags.includes(t));
    const image = await admitImage(host, 'Pull', pulled.record, ctx, 'pull');
    return { id: image.id, digest: pulled.digest, tags: pulled.record.tags, fetched: pulled.fetched, reused: pulled.reused, already };
  });
}

/** The image a run names, pulled first when the store does not have it (Docker's implicit pull). */
export async function ensureImage(host: Host, ref: string, ctx: RequestContext): Promise<ImageEntity> {
  try {
    return resolveImage(host, ref);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    try {
      parseReference(ref);
    } catch {
      throw error;
    }
    try {
      const { id } = await pullReference(host, ref, undefined, ctx);
      return host.image(id);
    } catch (pullError) {
      const message = `${(error as Error).message}; pulling it failed: ${(pullError as Error).message}`;
      throw pullError instanceof NotFoundError ? new NotFoundError(message) : new BerthError(message, { cause: pullError });
    }
  }
}

/** Pushes one tag, or every local tag of the repository, and records each push. */
async function pushTags(host: Host, ref: string, allTags: boolean, ctx: RequestContext, progressInbox?: string) {
  const parsed = parseReference(ref);
  if (parsed.digest) throw new ValidationError(`push ${ref}: push a tag, not a digest`);
  const prefix = `${parsed.name}:`;
  const tags = allTags
    ? liveImages(host).flatMap((i) => i.state.tags).filter((t) => t.startsWith(prefix) && !t.slice(prefix.length).includes('/')).sort()
    : [`${parsed.name}:${parsed.tag}`];
  if (tags.length === 0) throw new NotFoundError(`An image does not exist locally with the repository name: ${parsed.name}`);
  const pushes = [];
  for (const tag of tags) {
    const image = imageByTag(host, tag);
    if (!image) throw new NotFoundError(`An image does not exist locally with the tag: ${tag}`);
    const pushed = await host.worker.images.push(image.state.record!, tag, progressTo(ctx, progressInbox));
    await image.execute({ type: 'RecordPush', tag, digest: pushed.digest }, meta(ctx, `push.${tag}`));
    pushes.push({ tag: splitReference(tag).tag, ...pushed });
  }
  return { repository: parsed.name, pushes };
}

export class ImageHandler {
  constructor(private readonly host: Host) {}

  async handle(request: ImageRequest, ctx: RequestContext): Promise<unknown> {
    const host = this.host;
    switch (request.op) {
      case 'image.import': {
        const tags = request.ref ? [normalizeReference(request.ref)] : [];
        const changes = (request.changes ?? []).map(parseChange);
        return host.layerGate.produce(async () => {
          const record = await host.worker.importImage(request.path, tags, { changes, message: request.message });
          return { id: (await admitImage(host, 'Import', record, ctx, 'import')).id };
        });
      }
      case 'image.load': {
        return host.layerGate.produce(async () => {
          const records = await host.worker.images.load(request.path, progressTo(ctx, request.progress));
          const images = [];
          for (const [i, record] of records.entries()) {
            images.push({ id: (await admitImage(host, 'Load', record, ctx, `load.${i}`)).id, tags: record.tags });
          }
          return { images };
        });
      }
      case 'image.save': {
        // Each image goes once, with the tags the user named (all its tags when named by id).
        const chosen = new Map<string, ImageRecord>();
        for (const ref of request.refs) {
          const image = resolveImage(host, ref);
          let tag: string | null = null;
          try { tag = normalizeReference(ref); } catch { /* an id or digest */ }
          const tags = tag && image.state.tags.includes(tag) ? [tag] : image.state.tags;
          const previous = chosen.get(image.id);
          chosen.set(image.id, { ...image.state.record!, tags: [...new Set([...(previous?.tags ?? []), ...tags])] });
        }
        await host.worker.images.save([...chosen.values()], request.path, request.format, progressTo(ctx, request.progress));
        return { ids: [...chosen.keys()] };
      }
      case 'image.pull':
        return pullReference(host, request.ref, request.platform, ctx, request.progress);
      case 'image.tag': {
        const image = resolveImage(host, request.source);
        const tag = normalizeReference(request.target);
        await claimTag(host, tag, image.id, meta(ctx, 'tag'));
        await image.execute({ type: 'Tag', tag }, meta(ctx, 'tag'));
        await settleTag(host, tag, meta(ctx, 'tag'));
        return { id: image.id };
      }
      case 'image.pullTags': {
        const parsed = parseReference(request.ref);
        if (parsed.digest || hasExplicitTag(request.ref)) {
          throw new ValidationError(`pull -a ${request.ref}: name a repository, without a tag or digest`);
        }
        const pulls = [];
        for (const tag of (await host.worker.images.remoteTags(request.ref)).sort()) {
          const pulled = await pullReference(host, `${parsed.name}:${tag}`, request.platform, ctx);
          pulls.push({ tag, digest: pulled.digest, fetched: pulled.fetched, already: pulled.already });
        }
        return { pulls };
      }
      case 'image.push':
        return pushTags(host, request.ref, request.allTags, ctx, request.progress);
      case 'image.login':
        return { registry: await host.worker.images.login(request.server, { username: request.username, password: request.password }) };
      case 'image.logout':
        return host.worker.images.logout(request.server);
      case 'image.list':
        return liveImages(host).map((i) => imageView(i.state));
      case 'image.inspect':
        return imageView(resolveImage(host, request.ref).state);
      case 'image.remove': {
        const image = resolveImage(host, request.ref);
        let tag: string | null = null;
        try { tag = normalizeReference(request.ref); } catch { /* an id */ }
        if (tag && image.state.tags.includes(tag) && image.state.tags.length > 1) {
          await image.execute({ type: 'Untag', tag }, meta(ctx, 'untag'));
          await releaseTag(host, tag, image.id, meta(ctx, 'untag'));
          return { id: image.id };
        }
        const user = liveContainers(host).find((c) => c.state.config?.image === image.id);
        if (user && !request.force) {
          throw new ConflictError(`unable to remove image ${request.ref}: container ${user.id.slice(0, 12)} uses it (remove the container, or use -f)`);
        }
        await deleteImage(host, image, meta(ctx, 'delete'));
        return { id: image.id };
      }
    }
  }
}
