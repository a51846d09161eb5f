/** Progress of an image operation, published to the inbox its request named. */
import type { Progress } from '../../events/requests.js';
import type { ProgressReport } from '../../runtime/images/progress.js';
import type { RequestContext } from './context.js';

/** How often a layer's byte count is sent at most; a status change is sent at once. */
const PROGRESS_EVERY_MS = 100;

/** The report that publishes to `inbox` (none without one), byte counts throttled per layer. */
export function progressTo(ctx: RequestContext, inbox: string | undefined): ProgressReport | undefined {
  if (!inbox) return undefined;
  const last = new Map<string, { status: string; at: number }>();
  return (update: Progress) => {
    const now = Date.now();
    const previous = last.get(update.layer);
    if (previous?.status === update.status && (update.total === 0 || update.bytes < update.total) && now - previous.at < PROGRESS_EVERY_MS) return;
    last.set(update.layer, { status: update.status, at: now });
    ctx.publishProgress(inbox, update);
  };
}
