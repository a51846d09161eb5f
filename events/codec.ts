/**
 * The only place msgpackr is called. Encoding checks the value against its schema first;
 * decoding always validates, so a reader never sees an invalid message. A request to a daemon
 * is the one message packed unchecked (packRequest): its only reader checks it.
 */
import { Packr } from 'msgpackr';
import type * as z from 'zod';
import { ValidationError } from './errors.js';

const packr = new Packr({ useRecords: false, moreTypes: false });

/**
 * Validates `value` against `schema` and packs it, with the fields of `stamp` added to the
 * validated object (the schema version of stored records: events/schema.ts).
 */
export function encode<S extends z.ZodType>(schema: S, value: z.input<S>, stamp?: Readonly<Record<string, unknown>>): Uint8Array {
  const checked = check(schema, value, 'encode');
  return packr.pack(stamp ? { ...(checked as object), ...stamp } : checked);
}

/**
 * Unpacks `bytes`, hands the value to `prepare` (a stored record's upcasting: events/upcasters.ts)
 * and validates what it returns. Throws ValidationError when unpacking or validation fails, and
 * whatever `prepare` throws (a NewerSchemaError).
 */
export function decode<S extends z.ZodType>(schema: S, bytes: Uint8Array, prepare?: (value: unknown) => unknown): z.output<S> {
  const value = unpack(bytes);
  return check(schema, prepare ? prepare(value) : value, 'decode');
}

/** As decode, with the schema picked by the prepared value (an event's, by its kind: events/eventCodec.ts). */
export function decodePicked<T>(bytes: Uint8Array, prepare: (value: unknown) => unknown, pick: (value: unknown) => z.ZodType<T>): T {
  const prepared = prepare(unpack(bytes));
  return check(pick(prepared), prepared, 'decode');
}

/**
 * Packs a request for a daemon over NATS without checking it here: the daemon decodes every
 * request with its schema (actors/server.ts) and answers one that fails with that error, so a
 * command need not also build and run the schema. Building the create request's schema and
 * checking it was the largest part of zod in `run` (with the follow's full decoding of
 * `container.created`, client/followContainer.ts: run --rm 226 -> 208 ms without both, 30
 * interleaved runs). What the daemon receives is what the command built; the daemon parses it
 * exactly as the command's own check did. A request handed to a daemon in process is checked
 * there (client/bus.ts).
 */
export function packRequest(envelope: unknown): Uint8Array {
  return packr.pack(envelope);
}

function unpack(bytes: Uint8Array): unknown {
  try {
    return packr.unpack(bytes);
  } catch (error) {
    throw new ValidationError(`decode: not a msgpack message (${(error as Error).message})`, { cause: error });
  }
}

/** Validates a plain value at a boundary. */
export function check<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    throw new ValidationError(`${what}: invalid message${path}: ${issue?.message ?? 'unknown'}`);
  }
  return parsed.data;
}
