/**
 * Reading berth's events as `events` shows them: the history from the log (since), then live
 * events until `until` or until stopped, every host's in stream order (or one host's). For the
 * CLI's `events` and the API's `/events` alike.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { reportInvalid, type StoredEvent } from '../events/store.js';
import { eventFilter } from '../events/subjects.js';
import { JetStreamEventStore } from '../nats/store/jetStream.js';
import { isUnsettled } from '../nats/server/unsettled.js';
import { untilAnswered } from '../nats/server/untilAnswered.js';
import { READ_RETRY_MS } from './bus.js';

export interface EventWindow {
  /** ms since the epoch; absent: from now. */
  since?: number;
  /** ms since the epoch; absent: until stopped. */
  until?: number;
  /** One host's events only. */
  host?: string;
}

const sleep = (ms: number, stopped: Promise<void>) => Promise.race([new Promise((resolve) => setTimeout(resolve, ms)), stopped]);

/** Hands each event in the window to `onEvent`; resolves at `until`, or once `stopped` settles. */
export async function streamEvents(nc: NatsConnection, window: EventWindow, onEvent: (stored: StoredEvent) => void, stopped: Promise<void>): Promise<void> {
  const now = Date.now();
  const { since, until } = window;
  const store = new JetStreamEventStore(nc);
  const filter = eventFilter(window.host ?? '*');
  if (until !== undefined) {
    // History only: read what exists, up to until (waiting for it when it lies ahead). Reads
    // are tried again while JetStream settles after a node loss, from the event after the last
    // one handed over: none is handed twice or skipped.
    let last = 0;
    const origin = since ?? (until <= now ? 0 : now);
    const readToUntil = () => untilAnswered('reading the events', async () => {
      for await (const stored of store.read(filter, last ? { fromSeq: last + 1 } : { since: origin }, reportInvalid)) {
        if (stored.event.time > until) return;
        onEvent(stored);
        last = stored.seq;
      }
    }, READ_RETRY_MS);
    if (origin < now) await readToUntil();
    if (until > Date.now()) {
      // Live from where the history ended: no event that arrived in between is missed. When no
      // consumer can be made (for a while after a NATS node is lost), the events are read once
      // until has passed instead.
      const from = last ? { fromSeq: last + 1 } : { since: origin };
      const follower = await store.follow(filter, from, (stored) => { if (stored.event.time <= until) onEvent(stored); })
        .catch((error: unknown) => {
          if (isUnsettled(error)) return null;
          throw error;
        });
      await sleep(until - Date.now(), stopped);
      if (follower) await follower.stop();
      else await readToUntil();
    }
    return;
  }
  const follower = await untilAnswered('following the events',
    () => store.follow(filter, since === undefined ? { since: now } : { since }, onEvent), READ_RETRY_MS);
  await stopped;
  await follower.stop();
}
