/**
 * Upcasting: an event stored in an older schema version is turned, as it is read, into the
 * shape of the current one, one version step at a time, before it is validated. Each step is a
 * pure function of the unpacked record (it returns a new record and changes nothing it was
 * given), registered under the version it reads: the upcaster under 1 turns a version 1 event
 * into a version 2 one. events/schema.ts says when a version is due.
 *
 * Version 1 is the first: there is no step yet. The mechanism is proven on made-up versions
 * (upcasters.test.ts).
 */
import { refuseNewer, schemaOf, SCHEMA_FIELD, SCHEMA_VERSION } from './schema.js';

/** An unpacked stored record, before validation. */
export type StoredRecord = Record<string, unknown>;

/** One step: a record of version N as a record of version N+1. Pure. */
export type Upcaster = (record: StoredRecord) => StoredRecord;

/** The steps of a schema's history, by the version each reads. */
export type Upcasters = ReadonlyMap<number, Upcaster>;

/** berth's event upcasters: one per version before SCHEMA_VERSION (test: upcasters.test.ts). */
export const EVENT_UPCASTERS: Upcasters = new Map<number, Upcaster>([
  // [1, (record) => ({ ...record, ... })]: the step from version 1 to 2, when there is a 2.
]);

/**
 * `record`, written in `version`, as a record of version `to`: each step in turn. A missing
 * step is a bug of this berth (upcasters.test.ts checks every step is there), never the log's.
 */
export function upcast(record: StoredRecord, version: number, to: number, upcasters: Upcasters): StoredRecord {
  let current = record;
  for (let step = version; step < to; step++) {
    const upcaster = upcasters.get(step);
    if (!upcaster) throw new Error(`no upcaster from schema version ${step} to ${step + 1}`);
    current = upcaster(current);
  }
  return { ...current, [SCHEMA_FIELD]: to };
}

/**
 * A stored event as the current schema reads it (the codec's `prepare` step, before
 * validation): as it is when current, upcast when older; a NewerSchemaError when newer.
 * `readable` and `upcasters` are this berth's, but for tests.
 */
export function upcastEvent(raw: unknown, readable = SCHEMA_VERSION, upcasters: Upcasters = EVENT_UPCASTERS): unknown {
  if (typeof raw !== 'object' || raw === null) return raw; // validation refuses it
  const version = schemaOf(raw);
  if (version === readable) return raw;
  refuseNewer('the event', version, readable);
  return upcast(raw as StoredRecord, version, readable, upcasters);
}
