/**
 * `node dist/test/helpers/loadLogFixture.js FIXTURE.json`: publishes a log fixture into the
 * embedded nats-server of BERTH_ROOT / BERTH_RUN_ROOT (started as the daemon starts it, and left
 * running for the daemon to reuse), then prints `loaded`. A test runs it inside the network
 * namespace its daemon runs in, and keeps it: each `newer` line on its stdin appends one event
 * as a newer berth would write it, answered `published`. It ends with its stdin.
 */
import fs from 'node:fs/promises';
import readline from 'node:readline';
import { Packr } from 'msgpackr';
import { jetstream } from '@nats-io/jetstream';
import { SCHEMA_VERSION } from '../../events/schema.js';
import { eventSubject } from '../../events/subjects.js';
import { connectNats } from '../../nats/server/connect.js';
import { embeddedTarget, ensureEmbeddedNats } from '../../nats/server/embedded.js';
import { layoutFrom } from '../../runtime/layout.js';
import { importLog, type LogFixture } from './logFixture.js';

const [file] = process.argv.slice(2);
const fixture = JSON.parse(await fs.readFile(file!, 'utf8')) as LogFixture;
const layout = layoutFrom({});
await fs.mkdir(layout.root, { recursive: true, mode: 0o700 });
await fs.mkdir(layout.runRoot, { recursive: true, mode: 0o700 });
const nc = await connectNats(embeddedTarget(await ensureEmbeddedNats(layout)), 'berth-fixture');
await importLog(nc, fixture);
process.stdout.write('loaded\n');
const packr = new Packr({ useRecords: false, moreTypes: false });
for await (const line of readline.createInterface({ input: process.stdin })) {
  if (line.trim() !== 'newer') continue;
  const entity = 'f'.repeat(64);
  await jetstream(nc).publish(eventSubject(fixture.host, 'volume', entity), packr.pack({ schema: SCHEMA_VERSION + 1, type: 'volume.reshaped', entity }));
  process.stdout.write('published\n');
}
await nc.drain();
