/** The event log holds each lifecycle in order, and `berth events` replays and follows it. */
import { spawn } from 'node:child_process';
import t from 'tap';
import { JetStreamEventStore } from '../../nats/store/jetStream.js';
import type { StoredEvent } from '../../events/store.js';
import { connectEngine } from '../helpers/bus.js';
import { startEngine } from '../helpers/engine.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';
import { jetstreamManager } from '@nats-io/jetstream';
import { EVENTS_STREAM, eventSubject } from '../../events/subjects.js';
import { waitFor } from '../helpers/waitFor.js';

gateFile(requiresEngine());

const engine = await startEngine(t);
const CLI = new URL('../../cli/main.cjs', import.meta.url).pathname;

async function connect(t: { teardown(fn: () => unknown): void }) {
  const nc = await connectEngine(engine);
  t.teardown(() => nc.close());
  return nc;
}

const jsonLines = (text: string) => text.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line));

t.test('the log holds a run --rm lifecycle in order, once each', async (t) => {
  const id = (await engine.ok(['run', '-d', '--rm', 'busybox', 'sh', '-c', 'exit 5'])).trim();
  await waitFor(async () => (await engine.berth(['inspect', '--type', 'container', id])).code !== 0, { what: 'the container\'s removal' });
  const nc = await connectEngine(engine);
  t.teardown(() => nc.close());
  const store = new JetStreamEventStore(nc);
  const stored: StoredEvent[] = [];
  for await (const item of store.read(eventSubject('testhost', 'container', id))) stored.push(item);
  t.same(stored.map((s) => s.event.type), [
    'container.created', 'container.starting', 'container.started', 'container.died', 'container.removing', 'container.destroyed',
  ]);
  t.ok(stored.every((s, i) => i === 0 || s.seq > stored[i - 1]!.seq), 'in stream order');
  t.equal(new Set(stored.map((s) => s.event.id)).size, stored.length, 'no event twice');
  const died = stored[3]!.event;
  t.equal(died.type === 'container.died' && died.data.exitCode, 5);
  t.equal(stored[0]!.event.attributes.image, 'busybox');

  const cli = jsonLines(await engine.ok(['events', '--since', '0', '--until', '0s', '--format', 'json', '--filter', `container=${id}`]));
  t.same(cli.map((e) => e.Action), ['create', 'start', 'die', 'destroy'], 'the CLI shows Docker\'s actions');
  t.equal(cli[2].Actor.Attributes.exitCode, '5');
  t.equal(cli[0].Type, 'container');
  t.equal(cli[0].host, 'testhost');
  t.ok(cli[0].timeNano > 0 && typeof cli[0].seq === 'number');
});

t.test('--since and --until bound the history; filters select', async (t) => {
  const now = Date.now();
  const before = await waitFor(() => Date.now() > now && Date.now(), { what: 'the clock to pass the events so far' });
  await engine.ok(['run', '--rm', '--name', 'windowed', 'busybox', 'true']);
  const after = Date.now();
  const inside = jsonLines(await engine.ok(['events', '--since', `${before / 1000}`, '--until', `${after / 1000}`, '--format', 'json']));
  t.same([...new Set(inside.map((e) => e.Actor.Attributes.name))], ['windowed'], 'only the events in the window');
  const none = await engine.ok(['events', '--since', '0', '--until', `${before / 1000}`, '--format', 'json', '--filter', 'container=windowed']);
  t.equal(none, '', 'nothing of it before the window');
  const images = jsonLines(await engine.ok(['events', '--since', '0', '--until', '0s', '--format', 'json', '--filter', 'type=image']));
  t.same(images.map((e) => e.Action), ['import']);
  const plain = await engine.ok(['events', '--since', '0', '--until', '0s', '--filter', 'event=destroy', '--filter', 'container=windowed']);
  t.match(plain, /^\d{4}-\d\d-\d\dT[\d:.]+Z container destroy [a-f0-9]{64} \(image=busybox, name=windowed\)\n$/);
  const bad = await engine.berth(['events', '--filter', 'colour=red']);
  t.equal(bad.code, 125);
  t.match(bad.stderr, /invalid filter 'colour'/);
});

t.test('without --until, events follows live ones', async (t) => {
  // The follower reads from the moment it starts, through a consumer on the events stream.
  const jsm = await jetstreamManager(await connect(t));
  const consumers = async () => (await jsm.streams.info(EVENTS_STREAM)).state.consumer_count;
  const consumersBefore = await consumers();
  const follower = spawn(process.execPath, [CLI, 'events', '--format', 'json', '--filter', 'event=start'], { env: engine.env });
  let out = '';
  follower.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  await waitFor(async () => (await consumers()) > consumersBefore, { what: 'berth events to follow the stream' });
  await engine.ok(['run', '--rm', '--name', 'live-one', 'busybox', 'true']);
  await waitFor(() => out.includes('\n'), { what: 'the follower to print the start' });
  follower.kill('SIGTERM');
  const code = await new Promise((resolve) => follower.on('close', resolve));
  t.equal(code, 0);
  const lines = jsonLines(out);
  t.equal(lines.length, 1);
  t.equal(lines[0].Actor.Attributes.name, 'live-one');
});
