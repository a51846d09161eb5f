/**
 * An invalid message in a container's history (issue 13, issue 22): after a restart that
 * container is unavailable, with an error naming the subject, the sequence and the problem; the
 * other containers and the daemon go on; `rm -f` removes it for good, recorded in the log.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { jetstream } from '@nats-io/jetstream';
import { eventSubject } from '../../events/subjects.js';
import { connectEngine } from '../helpers/bus.js';
import { alive, startEngine } from '../helpers/engine.js';

const engine = await startEngine(t);

t.test('an invalid event stops its container only, and rm -f removes it', async (t) => {
  const broken = (await engine.ok(['run', '-d', '--name', 'broken', 'busybox', 'sleep', '1000'])).trim();
  await engine.ok(['run', '-d', '--name', 'fine', 'busybox', 'sleep', '1000']);
  const brokenPid = (await engine.inspect('broken')).State.Pid;

  const nc = await connectEngine(engine);
  t.teardown(() => nc.close());
  const subject = eventSubject('testhost', 'container', broken);
  const { seq } = await jetstream(nc).publish(subject, new Uint8Array([0xc1, 0x01]));

  await engine.killDaemon('SIGKILL');
  await engine.startDaemon();

  const log = await fs.readFile(path.join(engine.dir, 'berthd.log'), 'utf8');
  t.match(log, `container ${broken.slice(0, 12)} is unavailable: the event at seq ${seq} on ${subject} is invalid`, 'the daemon logs it');
  t.equal((await engine.inspect('fine')).State.Status, 'running', 'the other container goes on');
  await engine.ok(['stop', '-t', '1', 'fine']);
  t.equal((await engine.inspect('fine')).State.Status, 'exited', 'and takes commands');

  const refused = await engine.berth(['stop', 'broken']);
  t.equal(refused.code, 1, 'the broken one refuses (stop fails with 1, as Docker\'s does)');
  t.match(refused.stderr, `seq ${seq} on ${subject} is invalid (decode:`, 'naming the subject, the sequence and the problem');
  t.match((await engine.inspect('broken')).State.Error, 'is unavailable', 'inspect says why');

  const removed = await engine.berth(['rm', '-f', 'broken']);
  t.equal(removed.code, 0, `rm -f removes it: ${removed.stderr}`);
  t.notOk(alive(brokenPid), 'its process is gone');
  t.notMatch(await engine.ok(['ps', '-a', '--format', '{{.Names}}']), 'broken');
  const events = (await engine.ok(['events', '--since', '0', '--until', '0s', '--filter', `container=${broken}`, '--format', '{{.Action}}'])).trim().split('\n');
  t.equal(events.at(-1), 'destroy', 'the removal is recorded');

  await engine.killDaemon('SIGTERM');
  await engine.startDaemon();
  t.notMatch(await engine.ok(['ps', '-a', '--format', '{{.Names}}']), 'broken', 'still gone after a restart');
  t.equal((await engine.inspect('fine')).State.Status, 'exited');
});
