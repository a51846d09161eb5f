/**
 * The schema version of berth's log, defined here and nowhere else. Every event and every
 * snapshot is stored with the version it was written in, in the field `schema` of its stored
 * form (the envelope's and the snapshot's; the codec stamps it, readers never see it). A record
 * without the field is version 1: the log as berth wrote it before versions.
 *
 * A reader upcasts an older event step by step (events/upcasters.ts), rebuilds an entity whose
 * snapshot is older from its events (actors/replay.ts), and refuses anything newer with a
 * NewerSchemaError: a daemon that meets one does not start.
 *
 * Bump SCHEMA_VERSION when a stored shape changes so that this berth's reader would misread or
 * refuse what the previous one wrote (a field renamed, a meaning changed, a type split), and
 * register the upcaster from the previous version in events/upcasters.ts. An optional field
 * added is not a new version: the older records simply lack it. docs/OPERATIONS.md, Upgrades.
 */
import * as z from 'zod';
import { decode } from './codec.js';
import { NewerSchemaError, ValidationError } from './errors.js';

/** The version this berth writes, and the newest it reads. */
export const SCHEMA_VERSION = 1;

/** The version of a stored record that has no `schema` field. */
export const UNVERSIONED = 1;

/** The field of the stored form that holds the version. */
export const SCHEMA_FIELD = 'schema';

/** What the codec adds to every event and snapshot it encodes. */
export const SCHEMA_STAMP: Readonly<Record<typeof SCHEMA_FIELD, number>> = Object.freeze({ [SCHEMA_FIELD]: SCHEMA_VERSION });

/**
 * The version an unpacked record says it was written in: UNVERSIONED without the field (and
 * for what is no record at all, which validation then refuses); a field that is not a
 * positive integer is a ValidationError.
 */
export function schemaOf(raw: unknown): number {
  if (typeof raw !== 'object' || raw === null) return UNVERSIONED;
  const value = (raw as Record<string, unknown>)[SCHEMA_FIELD];
  if (value === undefined) return UNVERSIONED;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1) return value;
  throw new ValidationError(`invalid schema version ${JSON.stringify(value)}`);
}

/** Refuses a record written in a version newer than `readable`, naming it with `what`. */
export function refuseNewer(what: string, version: number, readable = SCHEMA_VERSION): void {
  if (version > readable) throw new NewerSchemaError(what, version, readable);
}

/** The version a stored record (an event or a snapshot, still encoded) was written in; ValidationError when it is no record. */
export function storedSchemaOf(bytes: Uint8Array): number {
  return schemaOf(decode(z.record(z.string(), z.unknown()), bytes));
}
