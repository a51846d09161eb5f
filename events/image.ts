/** Image commands and events: the one declaration of each. */
import * as z from 'zod';
import { eventSchema } from './envelope.js';
import { lazySchema } from './lazySchema.js';

const Digest = lazySchema(() => z.string().regex(/^sha256:[a-f0-9]{64}$/));

/** Docker's HEALTHCHECK: durations in nanoseconds, as in the image config. */
export const Healthcheck = lazySchema(() => z.object({
  test: z.array(z.string()),
  interval: z.number().optional(),
  timeout: z.number().optional(),
  startPeriod: z.number().optional(),
  retries: z.number().optional(),
}));

/** One step of how the image was built. */
export const HistoryEntry = lazySchema(() => z.object({
  created: z.string().optional(),
  createdBy: z.string().optional(),
  comment: z.string().optional(),
  /** True for a step that made no layer (ENV, CMD...). */
  emptyLayer: z.boolean().optional(),
}));
export type HistoryEntry = z.infer<typeof HistoryEntry>;

/** What an image is made of, recorded when it enters the store. */
export const ImageRecord = lazySchema(() => z.object({
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
  /** Recorded from the image config; not all are applied to runs yet. */
  user: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  exposedPorts: z.array(z.string()).optional(),
  volumes: z.array(z.string()).optional(),
  stopSignal: z.string().optional(),
  healthcheck: Healthcheck.optional(),
  architecture: z.string().optional(),
  os: z.string().optional(),
  history: z.array(HistoryEntry).optional(),
  /** Who made it (`commit -a`). */
  author: z.string().optional(),
  /**
   * The id of the image it was made from (Docker's Parent): a build step's image, or the one
   * the build's next step or final image was made on. `images` hides untagged parents without -a.
   */
  parent: z.string().optional(),
  /** The stored blob of each layer (compressed or not), lowest first: what save and push send. */
  layerBlobs: z.array(Digest).optional(),
  /** name@sha256:<manifest digest>, for images that came from a registry. */
  repoDigests: z.array(z.string()).optional(),
}));
export type ImageRecord = z.infer<typeof ImageRecord>;

export const ImageImported = lazySchema(() => eventSchema('image.imported', ImageRecord));
/** From a registry (Docker's `pull`) or an archive (`load`). */
export const ImagePulled = lazySchema(() => eventSchema('image.pulled', ImageRecord));
export const ImageLoaded = lazySchema(() => eventSchema('image.loaded', ImageRecord));
/** Made from a container's changes (`commit`). */
export const ImageCommitted = lazySchema(() => eventSchema('image.committed', ImageRecord));
export const ImageTagged = lazySchema(() => eventSchema('image.tagged', z.object({ tag: z.string() })));
export const ImageUntagged = lazySchema(() => eventSchema('image.untagged', z.object({ tag: z.string() })));
export const ImageDeleted = lazySchema(() => eventSchema('image.deleted', z.object({})));
/** Sent to a registry as `tag`; the registry stored the manifest under `digest`. */
export const ImagePushed = lazySchema(() => eventSchema('image.pushed', z.object({ tag: z.string(), digest: Digest })));

export const ImageEvent = lazySchema(() => z.discriminatedUnion('type', [ImageImported, ImagePulled, ImageLoaded, ImageCommitted, ImageTagged, ImageUntagged, ImageDeleted, ImagePushed]));
export type ImageEvent = z.infer<typeof ImageEvent>;

export const ImageCommand = lazySchema(() => z.discriminatedUnion('type', [
  z.object({ type: z.literal('Import'), record: ImageRecord }),
  z.object({ type: z.literal('Pull'), record: ImageRecord }),
  z.object({ type: z.literal('Load'), record: ImageRecord }),
  z.object({ type: z.literal('Commit'), record: ImageRecord }),
  z.object({ type: z.literal('Tag'), tag: z.string() }),
  z.object({ type: z.literal('Untag'), tag: z.string() }),
  z.object({ type: z.literal('Delete') }),
  z.object({ type: z.literal('RecordPush'), tag: z.string(), digest: Digest }),
]));
export type ImageCommand = z.infer<typeof ImageCommand>;
