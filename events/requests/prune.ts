/** Prune requests: containers that are not running, and unused images. */
import * as z from 'zod';
import { lazySchema } from '../lazySchema.js';

export const pruneRequests = {
  /** Every container that is not running (created, exited, dead). */
  'container.prune': lazySchema(() => z.object({ op: z.literal('container.prune') })),
  /** Dangling (untagged) images no container uses; every image no container uses with `all`. */
  'image.prune': lazySchema(() => z.object({ op: z.literal('image.prune'), all: z.boolean() })),
};

export const pruneResults = {
  'container.prune': lazySchema(() => z.object({ removed: z.array(z.string()), reclaimedBytes: z.number() })),
  'image.prune': lazySchema(() => z.object({ untagged: z.array(z.string()), deleted: z.array(z.string()), reclaimedBytes: z.number() })),
};
