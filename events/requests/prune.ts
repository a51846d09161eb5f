/** Prune requests: containers that are not running, and unused images. */
import * as z from 'zod';

export const pruneRequests = [
  /** Every container that is not running (created, exited, dead). */
  z.object({ op: z.literal('container.prune') }),
  /** Dangling (untagged) images no container uses; every image no container uses with `all`. */
  z.object({ op: z.literal('image.prune'), all: z.boolean() }),
] as const;

export const pruneResults = {
  'container.prune': z.object({ removed: z.array(z.string()), reclaimedBytes: z.number() }),
  'image.prune': z.object({ untagged: z.array(z.string()), deleted: z.array(z.string()), reclaimedBytes: z.number() }),
};
