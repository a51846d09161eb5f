/**
 * How a host's snapshots are grouped into pages, pure. A page is one record of the snapshot
 * store holding the snapshots of the entities that hash to it, so a start reads a few hundred
 * records instead of one per entity: with 10,000 containers (20,000 snapshots with their names)
 * one record per entity took about 830 ms to list and read at a daemon's start, most of it the
 * client's and the server's cost per message.
 *
 * The number of pages is a power of two that only grows: enough for about PAGE_ENTITIES
 * entities and PAGE_BYTES bytes a page, so a page stays far below NATS's smallest usual
 * payload limit (1 MB) and a change rewrites a page of tens of kB. When it grows, every page is
 * written again (each entity's page changes), which happens once per doubling.
 *
 * Retired entities (a removed container, a released name: KindRules.retiredStatus) have pages of
 * their own, `<host>._retired.<generation>.<n>`, which a start does not read: they are read one
 * at a time when an entity of theirs is needed. Their count grows only while every one of them
 * is held, into a new generation of keys, so that the pages of the count a checkpoint names
 * are never half rewritten (nats/store/kvSnapshots.ts).
 */
import type { Kind } from './envelope.js';

/** The entities a page holds, about, at most (before the count doubles). */
export const PAGE_ENTITIES = 64;
/** The bytes a page holds, about, at most (before the count doubles). */
export const PAGE_BYTES = 128 * 1024;
/** The key token that marks a page (`<host>._page.<n>`): no entity id starts with `_`. */
const PAGE_TOKEN = '_page';

/** The page of an entity among `pages` (a power of two): FNV-1a over kind and id. */
export function pageOf(kind: Kind, entity: string, pages: number): number {
  let hash = 0x811c9dc5;
  const key = `${kind}.${entity}`;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) & (pages - 1);
}

/** The pages for `entities` snapshots of `bytes` in all: at least `current`, never fewer. */
export function pagesFor(entities: number, bytes: number, current = 1): number {
  let pages = Math.max(1, current);
  while (entities > pages * PAGE_ENTITIES || bytes > pages * PAGE_BYTES) pages *= 2;
  return pages;
}

/** The key token of a retired page (`<host>._retired.<generation>.<n>`). */
const RETIRED_TOKEN = '_retired';

/** A page's key after `<host>.`: `_page.<n>`. */
export function pageKey(page: number): string {
  return `${PAGE_TOKEN}.${page}`;
}

/** The filter of every page's key after `<host>.` (not the retired ones). */
export const PAGES_FILTER = `${PAGE_TOKEN}.*`;

/** A retired page's key after `<host>.`: `_retired.<generation>.<n>`. */
export function retiredPageKey(generation: number, page: number): string {
  return `${RETIRED_TOKEN}.${generation}.${page}`;
}

/** The filter of a generation's retired pages after `<host>.`. */
export function retiredPagesFilter(generation: number): string {
  return `${RETIRED_TOKEN}.${generation}.*`;
}

/** The generation a key after `<host>.` names when it is a retired page's (retiredPageKey), or null. */
export function retiredGenerationOf(rest: string): number | null {
  const [token, generation, page, more] = rest.split('.');
  const named = token === RETIRED_TOKEN && more === undefined && /^\d{1,9}$/.test(generation ?? '') && /^\d{1,9}$/.test(page ?? '');
  return named ? Number(generation) : null;
}

/** Whether a key after `<host>.` is a retired page's, of any generation. */
export function isRetiredPageKey(rest: string): boolean {
  return retiredGenerationOf(rest) !== null;
}

/** The page number a key after `<host>.` names (pageKey), or null when it is no page. */
export function pageNumberOf(rest: string): number | null {
  const [token, number, more] = rest.split('.');
  return token === PAGE_TOKEN && more === undefined && /^\d{1,9}$/.test(number ?? '') ? Number(number) : null;
}
