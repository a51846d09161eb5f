/**
 * Image tags: a tag names one image. Who holds it is the names decider's (namespace 'tag',
 * actors/name/decide.ts: a tag moves to the image that claims it); the images' own tag lists
 * follow it. After an image takes or loses tags, settleTag untags every other image that still
 * carries the tag, so two racing moves of one tag leave it on exactly one image (the last claim).
 */
import { NotFoundError } from '../../events/errors.js';
import type { CommandMeta } from '../entity.js';
import type { Host, ImageEntity } from '../host.js';
import { liveImages } from '../resolve.js';

const step = (meta: CommandMeta, what: string, tag: string): CommandMeta => ({ id: `${meta.id}.${what}.${tag}`, correlation: meta.correlation });

/** Claims `tag` for the image `imageId` (64 hex); it moves from the image that held it. */
export async function claimTag(host: Host, tag: string, imageId: string, meta: CommandMeta): Promise<void> {
  await host.names.claim('tag', tag, imageId, step(meta, 'claim', tag));
}

/** Gives `tag` up for `imageId`, if it holds it. */
export async function releaseTag(host: Host, tag: string, imageId: string, meta: CommandMeta): Promise<void> {
  await host.names.release('tag', tag, imageId, step(meta, 'release', tag));
}

/** Untags every image that carries `tag` but does not hold it. */
export async function settleTag(host: Host, tag: string, meta: CommandMeta): Promise<void> {
  const holder = host.names.holder('tag', tag);
  for (const image of liveImages(host).filter((i) => i.id !== holder && i.state.tags.includes(tag))) {
    await image.execute({ type: 'Untag', tag }, step(meta, `untag.${image.id.slice(0, 12)}`, tag)).catch((error: Error) => {
      if (!(error instanceof NotFoundError)) throw error; // deleted meanwhile: nothing to untag
    });
  }
}

/** At start: claims follow the images' tags (a crash between the two, or a log from before tags were claimed). */
export async function reconcileTags(host: Host, meta: () => CommandMeta): Promise<void> {
  const images = liveImages(host);
  for (const entity of host.names.entities.values()) {
    const { status, namespace, name, owner } = entity.state;
    if (status !== 'claimed' || namespace !== 'tag') continue;
    if (!images.some((i) => i.id === owner && i.state.tags.includes(name!))) await releaseTag(host, name!, owner!, meta());
  }
  for (const image of images) {
    for (const tag of image.state.tags) {
      if (host.names.holder('tag', tag) === null) await claimTag(host, tag, image.id, meta());
      await settleTag(host, tag, meta());
    }
  }
}

/** Deletes an image and gives up the tags it held. */
export async function deleteImage(host: Host, image: ImageEntity, meta: CommandMeta): Promise<void> {
  const tags = [...image.state.tags];
  await image.execute({ type: 'Delete' }, meta);
  for (const tag of tags) await releaseTag(host, tag, image.id, meta);
}
