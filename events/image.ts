/** Image commands and events: the one declaration of each. */
import { z } from 'zod';
import { eventSchema } from './envelope.js';

const Digest = z.string().regex(/^sha256:[a-f0-9]{64}$/);

/** What an image is made of, recorded when it enters the store. */
export const ImageRecord = z.object({
  /** The config digest: the image id. */
  configDigest: Digest,
  /** Layer diff ids (uncompressed digests), lowest first. */
  diffIds: z.array(Digest),
  /** Chain ids of those layers, lowest first: each names an unpacked layer dir. */
  chainIds: z.array(Digest),
  /** Bytes of the unpacked layers. */
  size: z.number().int().nonnegative(),
  /** The tags it arrived with (name:tag). */
  tags: z.array(z.string()),
  /** Config fields that runs inherit. */
  env: z.array(z.string()),
  cmd: z.array(z.string()),
  entrypoint: z.array(z.string()),
  workingDir: z.string(),
  created: z.string(),
});
export type ImageRecord = z.infer<typeof ImageRecord>;

export const ImageImported = eventSchema('image.imported', ImageRecord);
export const ImageTagged = eventSchema('image.tagged', z.object({ tag: z.string() }));
export const ImageUntagged = eventSchema('image.untagged', z.object({ tag: z.string() }));
export const ImageDeleted = eventSchema('image.deleted', z.object({}));

export const ImageEvent = z.discriminatedUnion('type', [ImageImported, ImageTagged, ImageUntagged, ImageDeleted]);
export type ImageEvent = z.infer<typeof ImageEvent>;

export const ImageCommand = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Import'), record: ImageRecord }),
  z.object({ type: z.literal('Tag'), tag: z.string() }),
  z.object({ type: z.literal('Untag'), tag: z.string() }),
  z.object({ type: z.literal('Delete') }),
]);
export type ImageCommand = z.infer<typeof ImageCommand>;
