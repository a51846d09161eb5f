/**
 * Fencing (docs/MULTIHOST.md, "Fencing and rescheduling"): the record of one host in the fence
 * bucket, key <host>. A live daemon that sees the host lost writes `fenced` with JetStream's
 * optimistic concurrency (create, or update at the revision it read), so exactly one writer
 * wins each fencing; the record names the winner, the revision it was stored at, and the
 * replacement of each container rescheduled elsewhere. The host, once back, stops those
 * duplicates and writes `cleared` at the revision it read.
 */
import { z } from 'zod';
import { ContainerConfig } from './container.js';

/** One container of the fenced host, started again elsewhere. */
export const Replacement = z.object({
  /** The old container (on the fenced host). */
  container: z.string(),
  /** Where it runs again, and as which container id. */
  host: z.string(),
  id: z.string(),
  /** The old container's config: the new one is created with it. */
  config: ContainerConfig,
});
export type Replacement = z.infer<typeof Replacement>;

export const FenceRecord = z.object({
  /** The fenced host. */
  host: z.string(),
  state: z.enum(['fenced', 'cleared']),
  /** The daemon that won the right to fence it. */
  by: z.string(),
  /** When it was fenced (ms since the epoch; shown, never compared). */
  time: z.number(),
  reason: z.string(),
  replacements: z.array(Replacement),
  /** When the host acknowledged it (state `cleared`). */
  clearedAt: z.number().optional(),
});
export type FenceRecord = z.infer<typeof FenceRecord>;

/** A record as read, with the bucket revision (the stream sequence) it was stored at. */
export interface StoredFence {
  record: FenceRecord;
  revision: number;
}

/** Why a lost host's containers are rescheduled. */
export const HOST_LOST_REASON = 'host lost';

/** The reason a returning host records on a duplicate it stops. */
export function fencedReason(replacement: Pick<Replacement, 'host' | 'id'>): string {
  return `fenced: rescheduled to host ${replacement.host} as ${replacement.id.slice(0, 12)}`;
}
