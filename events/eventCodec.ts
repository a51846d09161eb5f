/**
 * Events as the log stores them: encoded with the current schema version (events/schema.ts),
 * decoded through the upcasters (events/upcasters.ts) and then validated. Every reader of
 * stored or published events decodes through here.
 */
import { AnyEvent, eventSchemaFor } from './all.js';
import { decodePicked, encode } from './codec.js';
import { SCHEMA_STAMP } from './schema.js';
import { upcastEvent } from './upcasters.js';

/** An event's stored form, stamped with SCHEMA_VERSION. */
export function encodeEvent(event: AnyEvent): Uint8Array {
  return encode(AnyEvent, event, SCHEMA_STAMP);
}

/**
 * A stored event in the current shape. Throws ValidationError when it is not a valid event of
 * its version, NewerSchemaError when a newer berth wrote it.
 */
export function decodeEvent(bytes: Uint8Array): AnyEvent {
  return decodePicked(bytes, upcastEvent, eventSchemaFor);
}
