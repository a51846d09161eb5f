/**
 * `berth events`: the history from the log (--since), then live events until --until or ^C.
 * Every host's events, in stream order, unless filtered.
 */
import { dockerAction, type DockerAction } from '../../events/actions.js';
import type { StoredEvent } from '../../events/store.js';
import { streamEvents } from '../../client/eventLog.js';
import { eventFilters, matchesEvent, type EventFilters } from '../../client/views/eventFilter.js';
import { connectClient, type GlobalOptions } from '../client.js';
import { parsePairs, parseTime } from '../parse.js';
import { render } from '../../events/template.js';
import { parseTemplate } from '../../events/templateParse.js';
import { actorId, eventRecord } from '../../client/views/events.js';

export type Filters = EventFilters;

export function parseFilters(entries: string[]): Filters {
  return eventFilters(parsePairs(entries, '--filter'));
}

/** Whether an event passes every filter key (values of one key are alternatives). Pure. */
export const matches = matchesEvent;

/** Docker's one-line form: time, type, action, id and attributes. */
export function formatPlain(stored: StoredEvent, action: DockerAction): string {
  const { event } = stored;
  const attributes = Object.entries(action.attributes).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`).join(', ');
  const time = new Date(event.time).toISOString().replace('Z', '000000Z');
  return `${time} ${action.type} ${action.action} ${actorId(stored, action)}${attributes ? ` (${attributes})` : ''}`;
}

/** Docker's JSON record, plus host and seq. */
export function formatJson(stored: StoredEvent, action: DockerAction): string {
  return JSON.stringify(eventRecord(stored, action));
}

export default async function events(
  opts: { since?: string; until?: string; filter: string[]; format?: string },
  globals: GlobalOptions,
): Promise<number> {
  const now = Date.now();
  const since = opts.since === undefined ? undefined : parseTime(opts.since, '--since', now);
  const until = opts.until === undefined ? undefined : parseTime(opts.until, '--until', now);
  const template = opts.format && opts.format !== 'json' && opts.format !== 'plain' ? parseTemplate(opts.format) : null;
  const filters = parseFilters(opts.filter);
  const hosts = filters.get('host');
  const client = await connectClient(globals);
  const print = (stored: StoredEvent) => {
    const action = dockerAction(stored.event);
    if (!action || !matches(stored, action, filters)) return;
    const line = template ? render(template, eventRecord(stored, action) as Parameters<typeof render>[1])
      : opts.format === 'json' ? formatJson(stored, action) : formatPlain(stored, action);
    process.stdout.write(`${line}\n`);
  };
  try {
    // Without --until: until interrupted.
    const stopped = new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    await streamEvents(client.nc, { since, until, host: hosts?.length === 1 ? hosts[0] : undefined }, print, stopped);
    return 0;
  } finally {
    await client.close();
  }
}
