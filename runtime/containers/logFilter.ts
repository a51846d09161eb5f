/** `logs --since/--until/--tail` over the chunks of a container's log. Pure. */
import type { LogChunk } from './watch.js';

export interface LogFilter {
  /** Only entries at or after this time (ms since the epoch). */
  sinceMs?: number;
  /** Only entries before this time (ms since the epoch). */
  untilMs?: number;
  /** Only the last N entries of the history (after the time window); undefined: all. */
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

/** The entries of the history to show: the window, then the last `tail`. */
export function selectHistory(chunks: LogChunk[], filter: LogFilter): LogChunk[] {
  const inside = chunks.filter((chunk) => inWindow(chunk, filter));
  if (filter.tail === undefined) return inside;
  return filter.tail <= 0 ? [] : inside.slice(-filter.tail);
}
