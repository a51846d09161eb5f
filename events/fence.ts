/**
 * Fencing (docs/MULTIHOST.md, "Fencing and rescheduling"): the record of one host in the fence
 * bucket, key <host>. A live daemon that sees the host lost writes `fenced` with JetStream's
 * optimistic concurrency (create, or update at the revision it read), so exactly one writer
 * wins each fencing; the record names the winner, the revision it was stored at, and the
 * replacement of each container rescheduled elsewhere. The host, once back, stops those
 * duplicates and writes `cleared` at the revision it read.
 */
import * as z from 'zod';
import { ContainerConfig } from './container.js';
import { lazySchema } from './lazySchema.js';

/** One container of the fenced host, started again elsewhere. */
export const Replacement = lazySchema(() => z.object({
  /** The old container (on the fenced host). */
  container: z.string(),
  /** Where it runs again, and as which container id. */
  host: z.string(),
  id: z.string(),
  /** The old container's config: the new one is created with it. */
  config: ContainerConfig,
}));
export type Replacement = z.infer<typeof Replacement>;

/**
 * A replacement made by an earlier fencing of the same host, without its config: the record
 * keeps these so that a takeover of an overlay lease by that replacement is still judged valid
 * after the host was fenced again (actors/network/clusterFold.ts reads them).
 */
export const EarlierReplacement = lazySchema(() => Replacement.pick({ container: true, host: true, id: true }));
export type EarlierReplacement = z.infer<typeof EarlierReplacement>;

/** How many earlier replacements a record carries (the oldest are dropped): about 40 kB. */
export const EARLIER_KEPT = 256;

export const FenceRecord = lazySchema(() => z.object({
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
  /** The replacements of this host's earlier fencings, oldest first (absent in a berth's older records). */
  earlier: z.array(EarlierReplacement).optional(),
}));
export type FenceRecord = z.infer<typeof FenceRecord>;

/** A record as read, with the bucket revision (the stream sequence) it was stored at. */
export interface StoredFence {
  record: FenceRecord;
  revision: number;
}

/** What a new fencing of a host carries forward from the record it replaces: every replacement made so far. */
export function carriedForward(previous: FenceRecord | undefined): EarlierReplacement[] {
  if (!previous) return [];
  const made = previous.replacements.map(({ container, host, id }) => ({ container, host, id }));
  return [...(previous.earlier ?? []), ...made].slice(-EARLIER_KEPT);
}

/** The replacement a container is, by the fence records (this fencing's or an earlier one's), with the host it came from. */
export function replacementNamed(records: FenceRecord[], id: string): (EarlierReplacement & { fromHost: string }) | undefined {
  for (const record of records) {
    const found = record.replacements.find((r) => r.id === id) ?? record.earlier?.find((r) => r.id === id);
    if (found) return { container: found.container, host: found.host, id: found.id, fromHost: record.host };
  }
  return undefined;
}

/** Why a lost host's containers are rescheduled. */
export const HOST_LOST_REASON = 'host lost';

/** The reason a returning host records on a duplicate it stops. */
export function fencedReason(replacement: Pick<Replacement, 'host' | 'id'>): string {
  return `fenced: rescheduled to host ${replacement.host} as ${replacement.id.slice(0, 12)}`;
}
