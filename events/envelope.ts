/**
 * The envelope every event travels in. The `type` and `data` of each event are declared in
 * the per-kind files (container.ts, image.ts) and joined in all.ts.
 */
import * as z from 'zod';
import { lazySchema } from './lazySchema.js';

/** The kinds of entity that have events. */
export const Kind = lazySchema(() => z.enum(['container', 'image', 'volume', 'network', 'node', 'name']));
export type Kind = z.infer<typeof Kind>;

/** The fields every event carries besides its type and data; built with the first event's schema. */
const envelopeFields = () => ({
  /** Unique id, sent as Nats-Msg-Id so that a retried append is deduplicated. */
  id: z.string().min(1),
  /** The host that owns the entity. */
  host: z.string().min(1),
  /** The kind of entity. */
  kind: Kind,
  /** The entity's id (a container id or image id, 64 hex characters). */
  entity: z.string().min(1),
  /** When the event was decided, in ms since the epoch. */
  time: z.number(),
  /** The id of the command that caused the event. */
  causation: z.string(),
  /** The id of the user-level request this belongs to (a `run` spans create and start). */
  correlation: z.string(),
  /** What readers show and filter by without looking anything up: name, image, labels. */
  attributes: z.record(z.string(), z.string()),
});
let fields: ReturnType<typeof envelopeFields> | undefined;

/** Declares one event type: the envelope fields, a literal type and its data. */
export function eventSchema<T extends string, D extends z.ZodType>(type: T, data: D) {
  return z.object({ ...(fields ??= envelopeFields()), type: z.literal(type), data });
}

/** The fields of an event before the store fills the envelope in. */
export type Draft<E extends { type: string; data: unknown }> = E extends unknown ? Pick<E, 'type' | 'data'> : never;
