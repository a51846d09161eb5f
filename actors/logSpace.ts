/**
 * What the event log still records when it is nearly full, as a pure rule. The stream refuses
 * appends at its byte limit (discard=new: it never drops an old event). Before that, the last
 * HEADROOM_FRACTION of the limit is kept for events that end or finish what already exists (a
 * die, a stop, a removal, a start's outcome), so that `stop` and `rm -f` still work on a full
 * log, and removing things is how room comes back (the host then compacts removed entities
 * at once, not after the retention period). Anything that makes something new is refused there.
 */
import type { LogUsage } from '../events/store.js';

export const HEADROOM_FRACTION = 0.1;

/** Events recorded within the headroom: their absence would leave the log wrong about what exists or runs. */
const FINISHING = new Set([
  'container.started', 'container.start_failed', 'container.died', 'container.oom', 'container.restarting',
  'container.stopping', 'container.killed', 'container.stopped', 'container.removing', 'container.removal_failed',
  'container.destroyed', 'container.exec_started', 'container.exec_died', 'container.paused', 'container.unpaused', 'container.fenced',
  'image.deleted', 'image.untagged', 'name.released', 'network.disconnected', 'network.removed', 'volume.unmounted', 'volume.removed',
  'node.joined', 'node.drained', 'node.activated',
]);

/** Whether the log is within its headroom. */
export function inHeadroom(usage: LogUsage | null): boolean {
  return usage !== null && usage.bytes >= usage.maxBytes * (1 - HEADROOM_FRACTION);
}

/** Why an append of events of these types is refused now, or null when it may go ahead. */
export function refusalForSpace(usage: LogUsage | null, types: string[]): string | null {
  if (!inHeadroom(usage) || types.every((type) => FINISHING.has(type))) return null;
  const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
  return `the event log is nearly full (${mb(usage!.bytes)} of its ${mb(usage!.maxBytes)} limit, events-max-bytes); `
    + 'it records only stops and removals until there is room: remove containers or images, or raise events-max-bytes';
}
