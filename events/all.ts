/** The union of every event berth writes, as read back from the log. */
import * as z from 'zod';
import { ContainerEvent } from './container.js';
import { ImageEvent } from './image.js';
import { NameEvent } from './name.js';
import { NodeEvent } from './node.js';
import { VolumeEvent } from './volume.js';

import { NetworkEvent } from './network.js';
import type { Kind } from './envelope.js';
import { lazySchema } from './lazySchema.js';

export const AnyEvent = lazySchema(() => z.discriminatedUnion('type', [...ContainerEvent.options, ...ImageEvent.options, ...VolumeEvent.options, ...NetworkEvent.options, ...NodeEvent.options, ...NameEvent.options]));
export type AnyEvent = z.infer<typeof AnyEvent>;

/**
 * Each kind's events (the envelope's `kind`): a reader that meets one event checks it against its
 * kind's union alone, so that a command following a container builds no image's schema.
 */
export const EventsOfKind: Readonly<Record<Kind, z.ZodType<AnyEvent>>> = {
  container: ContainerEvent, image: ImageEvent, volume: VolumeEvent, network: NetworkEvent, node: NodeEvent, name: NameEvent,
};

/** The schema an unpacked event is checked against: its kind's, or every event's when its kind is not one. */
export function eventSchemaFor(value: unknown): z.ZodType<AnyEvent> {
  const kind = typeof value === 'object' && value !== null ? (value as { kind?: unknown }).kind : undefined;
  return typeof kind === 'string' && Object.hasOwn(EventsOfKind, kind) ? EventsOfKind[kind as Kind] : AnyEvent;
}
