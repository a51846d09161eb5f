/**
 * The Engine API's `filters` query: JSON of `{"key": ["value", ...]}` (or, from old clients,
 * `{"key": {"value": true}}`), as the `key=value` strings client/views' filters take. Pure.
 */
import { ValidationError } from '../events/errors.js';

export function filterStrings(query: string | undefined): string[] {
  if (query === undefined || query === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(query);
  } catch {
    throw new ValidationError(`invalid filter: ${query}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ValidationError(`invalid filter: ${query}`);
  const out: string[] = [];
  for (const [key, values] of Object.entries(parsed)) {
    if (Array.isArray(values)) {
      for (const value of values) out.push(`${key}=${String(value)}`);
    } else if (typeof values === 'object' && values !== null) {
      for (const [value, on] of Object.entries(values)) if (on) out.push(`${key}=${value}`);
    } else {
      throw new ValidationError(`invalid filter '${key}': use a list of values`);
    }
  }
  return out;
}

/** The values given for one key. */
export function filterValues(filters: string[], key: string): string[] {
  return filters.filter((f) => f.startsWith(`${key}=`)).map((f) => f.slice(key.length + 1));
}
