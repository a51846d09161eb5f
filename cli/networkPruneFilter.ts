/** `network prune --filter`: Docker's keys, as the request carries them. */
import { ValidationError } from '../events/errors.js';
import { parseTime } from './parse.js';

/** Docker's network prune filters: label=KEY[=VALUE], label!=KEY[=VALUE] and until=TIME. Pure but for the clock. */
export function networkPruneFilters(filters: string[], now = Date.now()): { labels: string[]; notLabels: string[]; untilMs?: number } {
  const out: { labels: string[]; notLabels: string[]; untilMs?: number } = { labels: [], notLabels: [] };
  for (const filter of filters) {
    const [, key, negated, value] = /^([^=!]*)(!?)=(.*)$/.exec(filter) ?? [undefined, filter, '', ''];
    if (key === 'label') (negated ? out.notLabels : out.labels).push(value);
    else if (key === 'until' && !negated) out.untilMs = parseTime(value, '--filter until', now);
    else throw new ValidationError(`invalid filter '${key}${negated}'`);
  }
  return out;
}
