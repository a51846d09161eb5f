/** `events`' filters (type, event, container, image, volume, network, host, label), as Docker combines them. Pure. */
import type { DockerAction } from '../../events/actions.js';
import { ValidationError } from '../../events/errors.js';
import type { StoredEvent } from '../../events/store.js';

export type EventFilters = Map<string, string[]>;

const FILTER_KEYS = ['type', 'event', 'container', 'image', 'volume', 'network', 'host', 'label'];

/** key=value pairs as filters; an unknown key is one clear error. */
export function eventFilters(pairs: Array<[string, string]>): EventFilters {
  const filters: EventFilters = new Map();
  for (const [key, value] of pairs) {
    if (!FILTER_KEYS.includes(key)) throw new ValidationError(`invalid filter '${key}': use one of ${FILTER_KEYS.join(', ')}`);
    filters.set(key, [...(filters.get(key) ?? []), value]);
  }
  return filters;
}

/** Whether an event passes every filter key (values of one key are alternatives). */
export function matchesEvent(stored: StoredEvent, action: DockerAction, filters: EventFilters): boolean {
  const { event } = stored;
  const test = (key: string, ok: (value: string) => boolean) => !filters.has(key) || filters.get(key)!.some(ok);
  return test('type', (v) => v === action.type)
    && test('event', (v) => v === action.action)
    && test('host', (v) => v === event.host)
    && test('container', (v) => event.kind === 'container' && (event.entity.startsWith(v) || action.attributes.name === v))
    && test('image', (v) => (event.kind === 'image' && (event.entity.startsWith(v) || action.attributes.name === v)) || action.attributes.image === v)
    && test('volume', (v) => event.kind === 'volume' && action.attributes.name === v)
    && test('network', (v) => event.kind === 'network' && (event.entity.startsWith(v) || action.attributes.name === v))
    && test('label', (v) => {
      const eq = v.indexOf('=');
      return eq === -1 ? v in action.attributes : action.attributes[v.slice(0, eq)] === v.slice(eq + 1);
    });
}
