/** Docker's `images --filter`: dangling, reference, label, before and since. Pure. */
import { NotFoundError, ValidationError } from '../events/errors.js';
import type { ImageView } from '../events/requests.js';
import { normalizeReference } from '../runtime/images/reference.js';
import { combineFilters } from '../client/views/filters.js';
import { isIntermediate, parentIds } from '../client/views/intermediate.js';

/** One row of `images`: an image under one of its tags (or none). */
export interface ImageRow {
  view: ImageView;
  repository: string;
  tag: string;
}

type Test = (row: ImageRow, everything: ImageView[]) => boolean;

/** Go's path.Match as Docker uses it on references: `*` and `?` stop at `/`. */
export function globMatch(pattern: string, text: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${source}$`).test(text);
}

function named(value: string, everything: ImageView[]): ImageView {
  const hex = value.replace(/^sha256:/, '');
  let tag: string | null = null;
  try { tag = normalizeReference(value); } catch { /* an id */ }
  const found = everything.find((v) => (tag !== null && v.tags.includes(tag)) || (/^[a-f0-9]{4,64}$/.test(hex) && v.id.startsWith(hex)));
  if (!found) throw new NotFoundError(`No such image: ${value}`);
  return found;
}

/** The same key twice matches either value; different keys must all match. */
export function imageFilter(filters: string[]): Test {
  return combineFilters(filters, (key, value): Test => {
    switch (key) {
      case 'dangling':
        if (value !== 'true' && value !== 'false') throw new ValidationError(`invalid filter 'dangling=${value}': use true or false`);
        // dangling=true: untagged images no other was made from, even with -a (Docker's image heads).
        return value === 'true' ? (row, everything) => !isIntermediate(row.view, parentIds(everything)) && row.view.tags.length === 0 : (row) => row.view.tags.length > 0;
      case 'reference':
        return (row) => row.repository !== '<none>' && (globMatch(value, row.repository) || globMatch(value, `${row.repository}:${row.tag}`));
      case 'label': {
        const at = value.indexOf('=');
        return at === -1 ? (row) => value in (row.view.labels ?? {}) : (row) => row.view.labels?.[value.slice(0, at)] === value.slice(at + 1);
      }
      case 'before':
        return (row, everything) => Date.parse(row.view.created) < Date.parse(named(value, everything).created);
      case 'since':
        return (row, everything) => Date.parse(row.view.created) > Date.parse(named(value, everything).created);
      default:
        throw new ValidationError(`invalid filter '${key}': use dangling, reference, label, before or since`);
    }
  });
}
