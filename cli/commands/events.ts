/**
 * `berth events`: the history from the log (--since), then live events until --until or ^C.
 * Every host's events, in stream order, unless filtered.
 */
import { JetStreamEventStore } from '../../nats/store/jetStream.js';
import { dockerAction, type DockerAction } from '../../events/actions.js';
import { reportInvalid, type StoredEvent } from '../../events/store.js';
import { eventFilter } from '../../events/subjects.js';
import { isUnsettled } from '../../nats/server/unsettled.js';
import { ValidationError } from '../../events/errors.js';
import { untilAnswered } from '../../nats/server/untilAnswered.js';
import { READ_RETRY_MS } from '../../client/bus.js';
import { connectClient, type GlobalOptions } from '../client.js';
import { parsePairs, parseTime } from '../parse.js';
import { parseTemplate, render } from '../template.js';
import { actorId, eventRecord } from '../../client/views/events.js';

export type Filters = Map<string, string[]>;

const FILTER_KEYS = ['type', 'event', 'container', 'image', 'volume', 'host', 'label'];

export function parseFilters(entries: string[]): Filters {
  const filters: Filters = new Map();
  for (const [key, value] of parsePairs(entries, '--filter')) {
    if (!FILTER_KEYS.includes(key)) throw new ValidationError(`invalid filter '${key}': use one of ${FILTER_KEYS.join(', ')}`);
    filters.set(key, [...(filters.get(key) ?? []), value]);
  }
  return filters;
}

/** Whether an event passes every filter key (values of one key are alternatives). Pure. */
export function matches(stored: StoredEvent, action: DockerAction, filters: Filters): boolean {
  const { event } = stored;
  const test = (key: string, ok: (value: string) => boolean) => !filters.has(key) || filters.get(key)!.some(ok);
  return test('type', (v) => v === action.type)
    && test('event', (v) => v === action.action)
    && test('host', (v) => v === event.host)
    && test('container', (v) => event.kind === 'container' && (event.entity.startsWith(v) || action.attributes.name === v))
    && test('image', (v) => (event.kind === 'image' && (event.entity.startsWith(v) || action.attributes.name === v)) || action.attributes.image === v)
    && test('volume', (v) => event.kind === 'volume' && action.attributes.name === v)
    && test('label', (v) => {
      const eq = v.indexOf('=');
      return eq === -1 ? v in action.attributes : action.attributes[v.slice(0, eq)] === v.slice(eq + 1);
    });
}

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
  const store = new JetStreamEventStore(client.nc);
  const print = (stored: StoredEvent) => {
    const action = dockerAction(stored.event);
    if (!action || !matches(stored, action, filters)) return;
    const line = template ? render(template, eventRecord(stored, action) as Parameters<typeof render>[1])
      : opts.format === 'json' ? formatJson(stored, action) : formatPlain(stored, action);
    process.stdout.write(`${line}\n`);
  };
  const filter = eventFilter(hosts?.length === 1 ? hosts[0] : '*');
  try {
    if (until !== undefined) {
      // History only: read what exists, up to --until (waiting for it when it lies ahead).
      // Reads are tried again while JetStream settles after a node loss, from the event after
      // the last one printed: none is printed twice or skipped.
      let last = 0;
      const readStart = Date.now();
      const origin = since ?? (until <= readStart ? 0 : readStart);
      const readToUntil = () => untilAnswered('reading the events', async () => {
        for await (const stored of store.read(filter, last ? { fromSeq: last + 1 } : { since: origin }, reportInvalid)) {
          if (stored.event.time > until) return;
          print(stored);
          last = stored.seq;
        }
      }, READ_RETRY_MS);
      if (origin < readStart) await readToUntil();
      if (until > Date.now()) {
        // Live from where the history ended: no event that arrived in between is missed. When
        // no consumer can be made (for a while after a NATS node is lost), the events are read
        // once --until has passed instead.
        const from = last ? { fromSeq: last + 1 } : { since: origin };
        const follower = await store.follow(filter, from, (stored) => { if (stored.event.time <= until) print(stored); })
          .catch((error: unknown) => {
            if (isUnsettled(error)) return null;
            throw error;
          });
        await new Promise((resolve) => setTimeout(resolve, until - Date.now()));
        if (follower) await follower.stop();
        else await readToUntil();
      }
      return 0;
    }
    // Without --until: history from --since, then live, until interrupted.
    const follower = await untilAnswered('following the events',
      () => store.follow(filter, since === undefined ? { since: now } : { since }, print), READ_RETRY_MS);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await follower.stop();
    return 0;
  } finally {
    await client.close();
  }
}
