/**
 * Prints every event of a cluster's log, in stream order, as the invariant checker reads them
 * (test/helpers/invariants.ts): `node eventDump.js URLS CREDS`, one JSON line per event. The
 * cluster helper runs it inside a host's network namespace.
 */
import { eventFilter } from '../../events/subjects.js';
import { connectNats } from '../../nats/server/connect.js';
import { JetStreamEventStore } from '../../nats/store/jetStream.js';
import type { LoggedEvent } from './invariants.js';

const [url, credsFile] = process.argv.slice(2);
const nc = await connectNats({ url, credsFile, caFile: process.env.BERTH_NATS_CA }, 'test-event-dump', { reconnect: false });
try {
  const lines: string[] = [];
  for await (const stored of new JetStreamEventStore(nc).read(eventFilter())) {
    const { id, type, host, entity, attributes } = stored.event;
    const logged: LoggedEvent = { id, type, host, entity, name: attributes.name ?? '' };
    lines.push(JSON.stringify(logged));
  }
  process.stdout.write(lines.map((line) => `${line}\n`).join(''));
} finally {
  await nc.close();
}
