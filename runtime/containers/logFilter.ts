/** `logs --since/--until/--tail` over the chunks of a container's log. Pure. */
import type { LogChunk } from './watch.js';

export interface LogFilter {
  /** Only entries at or after this time (ms since the epoch). */
  sinceMs?: number;
  /** Only entries before this time (ms since the epoch). */
  untilMs?: number;
  /** Only the last N lines of the history (after the time window); undefined: all. */
  tail?: number;
}

/** Whether one entry is inside the time window; an entry without a time is always inside. */
export function inWindow(chunk: LogChunk, filter: LogFilter): boolean {
  if (!chunk.time || (filter.sinceMs === undefined && filter.untilMs === undefined)) return true;
  const at = Date.parse(chunk.time);
  if (Number.isNaN(at)) return true;
  if (filter.sinceMs !== undefined && at < filter.sinceMs) return false;
  if (filter.untilMs !== undefined && at >= filter.untilMs) return false;
  return true;
}

/** The entries of the history to show: the window, then the last `tail` lines. */
export function selectHistory(chunks: LogChunk[], filter: LogFilter): LogChunk[] {
  const inside = chunks.filter((chunk) => inWindow(chunk, filter));
  if (filter.tail === undefined) return inside;
  return filter.tail <= 0 ? [] : lastLines(inside, filter.tail);
}

/**
 * The last `n` lines of the entries. An entry is what the shim read at once: it may hold several
 * lines or part of one, so lines are counted by their newlines (the history's final newline
 * ends its last line), and the first entry kept is cut where its line begins.
 */
function lastLines(chunks: LogChunk[], n: number): LogChunk[] {
  let newlines = 0;
  for (let i = chunks.length - 1; i >= 0; i--) {
    const data = chunks[i]!.data;
    // The very last character of the history ends a line; it does not start one.
    const end = i === chunks.length - 1 && data.endsWith('\n') ? data.length - 1 : data.length;
    for (let at = data.lastIndexOf('\n', end - 1); at !== -1; at = at === 0 ? -1 : data.lastIndexOf('\n', at - 1)) {
      if (++newlines === n) {
        const rest = chunks.slice(i + 1);
        return at + 1 < data.length ? [{ ...chunks[i]!, data: data.slice(at + 1) }, ...rest] : rest;
      }
    }
  }
  return chunks;
}
