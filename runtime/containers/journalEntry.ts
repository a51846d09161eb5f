/**
 * The journald driver's entries read back, as dockerd's journald reader reads them: an entry of
 * `journalctl -o json` (one JSON object a line) into a log chunk. MESSAGE is the line, with its
 * newline again unless CONTAINER_PARTIAL_MESSAGE=true; PRIORITY 3 is stderr, anything else
 * stdout; the time is when journald received it (__REALTIME_TIMESTAMP, microseconds). Pure.
 */
import type { LogChunk } from './logReader.js';

/** A field's value as journalctl's JSON writes it: a string, bytes (not valid UTF-8 or binary), null (too large), or a list (the field repeated). */
type FieldValue = string | number[] | null | Array<string | number[] | null>;

/** One value of a field as text (the last when repeated); undefined when absent or null. */
export function fieldText(value: FieldValue | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (value.length > 0 && value.every((item) => typeof item === 'number')) return Buffer.from(value as number[]).toString('utf8');
  return fieldText((value as Array<string | number[] | null>).at(-1) as FieldValue | undefined);
}

/** Microseconds since the epoch as Go's RFC3339Nano in UTC (trailing zeros of the fraction trimmed), as the shim writes times. */
export function rfc3339FromMicroseconds(microseconds: number): string {
  const seconds = Math.floor(microseconds / 1e6);
  const fraction = String(microseconds - seconds * 1e6).padStart(6, '0').replace(/0+$/, '');
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}${fraction ? `.${fraction}` : ''}Z`;
}

export interface JournalEntry {
  /** Absent for an entry without a MESSAGE. */
  chunk?: LogChunk;
  /** Where the next read starts after it (--after-cursor). */
  cursor?: string;
}

/** A line of journalctl's JSON output as a chunk and its cursor; null for a line that is not an entry. */
export function parseJournalEntry(line: string): JournalEntry | null {
  let entry: Record<string, FieldValue>;
  try {
    entry = JSON.parse(line) as Record<string, FieldValue>;
  } catch {
    return null;
  }
  if (entry === null || typeof entry !== 'object') return null;
  const message = fieldText(entry.MESSAGE);
  const cursor = fieldText(entry.__CURSOR);
  if (message === undefined) return cursor ? { cursor } : null;
  const partial = fieldText(entry.CONTAINER_PARTIAL_MESSAGE) === 'true';
  const realtime = Number(fieldText(entry.__REALTIME_TIMESTAMP));
  const chunk: LogChunk = {
    stream: fieldText(entry.PRIORITY) === '3' ? 'stderr' : 'stdout',
    data: partial ? message : `${message}\n`,
    ...(Number.isSafeInteger(realtime) && realtime > 0 ? { time: rfc3339FromMicroseconds(realtime) } : {}),
  };
  return { chunk, ...(cursor ? { cursor } : {}) };
}

/** journalctl's arguments: the container's entries after `cursor`, as JSON, from `directory` (else the system's journal). */
export function journalctlArgs(id: string, options: { directory?: string; cursor?: string }): string[] {
  return [
    '--no-pager', '--output=json', '--all',
    ...(options.directory ? [`--directory=${options.directory}`] : []),
    ...(options.cursor ? [`--after-cursor=${options.cursor}`] : []),
    `CONTAINER_ID_FULL=${id}`,
  ];
}
