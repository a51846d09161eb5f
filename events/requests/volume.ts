/** Volume requests (berth.cmd.<host>.volume) and their results. */
import * as z from 'zod';
import { lazySchema } from '../lazySchema.js';

/** What `volume ls` and `volume inspect` show. */
export const VolumeView = lazySchema(() => z.object({
  name: z.string(),
  host: z.string(),
  driver: z.string(),
  /** The data dir on the host. */
  mountpoint: z.string(),
  created: z.number(),
  labels: z.record(z.string(), z.string()),
  options: z.record(z.string(), z.string()),
  anonymous: z.boolean(),
  /** Containers (running or stopped) that use it. */
  users: z.array(z.string()),
}));
export type VolumeView = z.infer<typeof VolumeView>;

const Name = lazySchema(() => z.string().min(1));

export const volumeRequests = {
  'volume.create': lazySchema(() => z.object({
    op: z.literal('volume.create'),
    /** Absent: an anonymous volume with a random name. */
    name: Name.optional(),
    labels: z.record(z.string(), z.string()),
    options: z.record(z.string(), z.string()),
  })),
  'volume.list': lazySchema(() => z.object({ op: z.literal('volume.list') })),
  'volume.inspect': lazySchema(() => z.object({ op: z.literal('volume.inspect'), name: Name })),
  'volume.remove': lazySchema(() => z.object({ op: z.literal('volume.remove'), name: Name, force: z.boolean() })),
  /** Removes unused volumes: anonymous ones, or all with `all`; `labels` filter (k or k=v). */
  'volume.prune': lazySchema(() => z.object({ op: z.literal('volume.prune'), all: z.boolean(), labels: z.array(z.string()) })),
};

export const volumeResults = {
  'volume.create': VolumeView,
  'volume.list': lazySchema(() => z.array(VolumeView)),
  'volume.inspect': VolumeView,
  'volume.remove': lazySchema(() => z.object({ name: z.string() })),
  'volume.prune': lazySchema(() => z.object({ removed: z.array(z.string()), reclaimedBytes: z.number() })),
};
