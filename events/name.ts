/**
 * Name claims: the one declaration of the commands and events of a name entity. A name is
 * unique on its host within its namespace (container names, image tags); each one is its own
 * entity, berth.evt.<host>.name.<nameEntityId(namespace, name)>, whose events say which
 * entity holds it.
 */
import * as z from 'zod';
import { eventSchema } from './envelope.js';
import { lazySchema } from './lazySchema.js';

/** What the names of a namespace identify: containers by their names, images by their tags (networks may follow). */
export const NameNamespace = lazySchema(() => z.enum(['container', 'tag']));
export type NameNamespace = z.infer<typeof NameNamespace>;

/** Which name, and who holds it. */
export const NameClaim = lazySchema(() => z.object({
  namespace: NameNamespace,
  name: z.string().min(1),
  /** The id of the entity that holds the name. */
  owner: z.string().min(1),
}));
export type NameClaim = z.infer<typeof NameClaim>;

/** The name now belongs to `owner`. */
export const NameClaimed = lazySchema(() => eventSchema('name.claimed', NameClaim));
/** `owner` gave the name up (removed, renamed, or never created): it is free. */
export const NameReleased = lazySchema(() => eventSchema('name.released', NameClaim));

export const NameEvent = lazySchema(() => z.discriminatedUnion('type', [NameClaimed, NameReleased]));
export type NameEvent = z.infer<typeof NameEvent>;

export const NameCommand = lazySchema(() => z.discriminatedUnion('type', [
  /**
   * Claim the name for `owner`. `replacing`: the holder the caller knows to be gone (a removed
   * container whose release is not recorded yet), from whom the name may be taken. A tag moves
   * to its new image without it.
   */
  z.object({ type: z.literal('Claim'), namespace: NameNamespace, name: z.string(), owner: z.string().min(1), replacing: z.string().optional() }),
  /** Give the name up, if `owner` holds it. */
  z.object({ type: z.literal('Release'), owner: z.string().min(1) }),
]));
export type NameCommand = z.infer<typeof NameCommand>;
