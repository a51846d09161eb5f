/**
 * Writing a host's marked snapshot pages (events/snapshotPages.ts), live or retired: each page
 * holds the snapshots of the entries placed on it. The marks are taken before the writes, so
 * that a save meanwhile marks its page again for the next checkpoint; a failed write marks them
 * all again. Each page's stored size is recorded (what the page count follows).
 */
import type { KV } from '@nats-io/kv';
import { encodeSnapshotPage, type LoadedSnapshot } from '../../events/snapshots.js';
import { inParallel } from '../../runtime/inParallel.js';

/** Pages written at once. */
const WRITES_IN_FLIGHT = 32;

export interface PageEntry {
  snapshot: LoadedSnapshot;
  page: number;
}

export async function writeMarkedPages(
  kv: KV,
  marked: Set<number>,
  entries: Iterable<PageEntry>,
  keyOf: (page: number) => string,
  sizes: Map<number, number>,
): Promise<void> {
  if (marked.size === 0) return;
  const writing = [...marked];
  marked.clear();
  const contents = new Map<number, LoadedSnapshot[]>(writing.map((page) => [page, []]));
  for (const entry of entries) contents.get(entry.page)?.push(entry.snapshot);
  try {
    await inParallel([...contents], WRITES_IN_FLIGHT, async ([page, snapshots]) => {
      const data = encodeSnapshotPage(snapshots);
      await kv.put(keyOf(page), data);
      sizes.set(page, data.length);
    });
  } catch (error) {
    for (const page of writing) marked.add(page);
    throw error;
  }
}
