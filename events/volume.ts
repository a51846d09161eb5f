/** Volume commands and events: the one declaration of each. */
import * as z from 'zod';
import { eventSchema } from './envelope.js';
import { lazySchema } from './lazySchema.js';

/** Docker's rule for local volume names. */
export const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** What a volume is, fixed when it is created. */
export const VolumeRecord = lazySchema(() => z.object({
  /** The volume's name, unique on its host: the user's, or 64 random hex for an anonymous one. */
  name: z.string().regex(VOLUME_NAME),
  /** The only driver berth has. */
  driver: z.literal('local'),
  labels: z.record(z.string(), z.string()),
  /** --opt key=value, recorded as given. */
  options: z.record(z.string(), z.string()),
  /** Created for one container (-v /path, or --mount without a source), not by name. */
  anonymous: z.boolean(),
  /** The container an anonymous volume was created for; removed with it by rm -v and --rm. */
  container: z.string().optional(),
}));
export type VolumeRecord = z.infer<typeof VolumeRecord>;

export const VolumeCreated = lazySchema(() => eventSchema('volume.created', VolumeRecord));
/** A container was created with the volume: it holds a reference until it is removed. */
export const VolumeMounted = lazySchema(() => eventSchema('volume.mounted', z.object({ container: z.string(), destination: z.string() })));
/** The container that held a reference was removed. */
export const VolumeUnmounted = lazySchema(() => eventSchema('volume.unmounted', z.object({ container: z.string() })));
/** The volume and its data are gone; `force` records that users were overridden. */
export const VolumeRemoved = lazySchema(() => eventSchema('volume.removed', z.object({ force: z.boolean() })));

export const VolumeEvent = lazySchema(() => z.discriminatedUnion('type', [VolumeCreated, VolumeMounted, VolumeUnmounted, VolumeRemoved]));
export type VolumeEvent = z.infer<typeof VolumeEvent>;

export const VolumeCommand = lazySchema(() => z.discriminatedUnion('type', [
  z.object({ type: z.literal('Create'), record: VolumeRecord }),
  z.object({ type: z.literal('Mount'), container: z.string(), destination: z.string() }),
  z.object({ type: z.literal('Unmount'), container: z.string() }),
  /** Refused while containers use it, unless forced. */
  z.object({ type: z.literal('Remove'), force: z.boolean() }),
]));
export type VolumeCommand = z.infer<typeof VolumeCommand>;
