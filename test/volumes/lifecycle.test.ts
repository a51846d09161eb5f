/** Named volumes as actors through the real CLI: create, ls, inspect, rm (refused in use), prune, persistence, rm -v and --rm. */
import fs from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { startEngine } from '../helpers/engine.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';
import { waitFor } from '../helpers/waitFor.js';

gateFile(requiresEngine());

const engine = await startEngine(t);
const names = async (...flags: string[]) => (await engine.ok(['volume', 'ls', '-q', ...flags])).split('\n').filter(Boolean).sort();

t.test('create, ls, inspect and rm', async (t) => {
  t.equal(await engine.ok(['volume', 'create', '--label', 'team=db', '--label', 'tier', 'pg.data']), 'pg.data\n');
  t.equal(await engine.ok(['volume', 'create', 'pg.data']), 'pg.data\n', 'creating an existing volume returns it');
  const random = (await engine.ok(['volume', 'create'])).trim();
  t.match(random, /^[a-f0-9]{64}$/);
  t.match(await engine.ok(['volume', 'ls']), /^DRIVER\s+VOLUME NAME\nlocal\s+\S+\nlocal\s+\S+\n$/);
  t.same(await names('--filter', 'label=team=db'), ['pg.data']);
  t.same(await names('--filter', 'label=tier'), ['pg.data']);
  t.same(await names('--filter', 'name=pg'), ['pg.data']);
  const json = (await engine.ok(['volume', 'ls', '--format', 'json'])).trim().split('\n').map((line) => JSON.parse(line));
  t.same(json.find((v) => v.Name === 'pg.data'), {
    Driver: 'local', Labels: 'team=db,tier=', Mountpoint: path.join(engine.root, 'volumes/pg.data/_data'), Name: 'pg.data', Scope: 'local', Host: 'testhost', Links: '0',
  });
  const [inspect] = JSON.parse(await engine.ok(['volume', 'inspect', 'pg.data']));
  t.match(inspect, { Name: 'pg.data', Driver: 'local', Labels: { team: 'db', tier: '' }, Scope: 'local', Mountpoint: path.join(engine.root, 'volumes/pg.data/_data'), UsedBy: [] });
  const missing = await engine.berth(['volume', 'inspect', 'ghost']);
  t.equal(missing.code, 1);
  t.match(missing.stderr, /berth: get ghost: no such volume/);
  const bad = await engine.berth(['volume', 'create', 'a/b']);
  t.equal(bad.code, 125);
  t.match(bad.stderr, /create a\/b: "a\/b" includes invalid characters for a local volume name/);
  t.equal(await engine.ok(['volume', 'rm', 'pg.data', random]), `pg.data\n${random}\n`);
  t.same(await names(), []);
  await fs.access(path.join(engine.root, 'volumes/pg.data')).then(() => t.fail('the dir is left'), () => t.pass('the dir is gone'));
  const events = (await engine.ok(['events', '--since', '0', '--until', '0s', '--format', 'json', '--filter', 'type=volume'])).trim().split('\n').map((l) => JSON.parse(l));
  t.same(events.map((e) => `${e.Actor.Attributes.name === random ? 'random' : e.Actor.Attributes.name} ${e.Action}`), ['pg.data create', 'random create', 'pg.data destroy', 'random destroy']);
  t.equal(events[0].Actor.ID, 'pg.data', 'a volume\'s actor id is its name, as Docker shows it');
  const filtered = (await engine.ok(['events', '--since', '0', '--until', '0s', '--filter', 'volume=pg.data'])).trim().split('\n');
  t.equal(filtered.length, 2);
  t.match(filtered[1], / volume destroy pg\.data \(driver=local, name=pg\.data, team=db, tier=\)$/);
});

t.test('volume rm is refused while a container, running or stopped, uses it; -f overrides', async (t) => {
  const running = (await engine.ok(['run', '-d', '-v', 'busy:/data', 'busybox', 'sleep', '1000'])).trim();
  const refused = await engine.berth(['volume', 'rm', 'busy']);
  t.equal(refused.code, 1);
  t.equal(refused.stderr, `berth: remove busy: volume is in use - [${running}]\n`);
  await engine.ok(['stop', '-t', '0', running]);
  t.match((await engine.berth(['volume', 'rm', 'busy'])).stderr, /volume is in use/, 'stopped still counts');
  t.same(await names('--filter', 'dangling=false'), ['busy']);
  await engine.ok(['rm', running]);
  t.same(await names('--filter', 'dangling=true'), ['busy'], 'the removed container let go of it');
  await engine.ok(['volume', 'rm', 'busy']);
  const user = (await engine.ok(['run', '-d', '-v', 'forced:/data', 'busybox', 'sh', '-c', 'echo x > /data/x'])).trim();
  await engine.ok(['wait', user]);
  t.equal(await engine.ok(['volume', 'rm', '-f', 'forced']), 'forced\n', '-f removes it even though a container uses it');
  t.same(await names(), []);
  await fs.access(path.join(engine.root, 'volumes/forced')).then(() => t.fail('data left'), () => t.pass('its data is gone'));
  await engine.ok(['rm', user]);
});

t.test('write, remove the container, reuse: the data is kept; --rm never removes a named volume', async (t) => {
  await engine.ok(['run', '--rm', '-v', 'keep:/data', 'busybox', 'sh', '-c', 'echo 1 >> /data/log']);
  const id = (await engine.ok(['run', '-d', '-v', 'keep:/data', 'busybox', 'sh', '-c', 'echo 2 >> /data/log'])).trim();
  await engine.ok(['wait', id]);
  await engine.ok(['rm', '-v', id]);
  t.equal(await engine.ok(['run', '--rm', '-v', 'keep:/data', 'busybox', 'cat', '/data/log']), '1\n2\n');
  t.same(await names(), ['keep'], 'rm -v and --rm leave named volumes alone');
});

t.test('--rm and rm -v remove anonymous volumes, plain rm does not', async (t) => {
  const before = await names();
  await engine.ok(['run', '--rm', '-v', '/scratch', 'busybox', 'sh', '-c', 'echo x > /scratch/x']);
  await waitFor(async () => (await names()).length === before.length, { what: '--rm to remove its anonymous volume', timeoutMs: 5000 });
  t.same(await names(), before, '--rm removed it');
  const id = (await engine.ok(['run', '-d', '-v', '/scratch', 'busybox', 'true'])).trim();
  await engine.ok(['wait', id]);
  await engine.ok(['rm', id]);
  const left = (await names()).filter((n) => !before.includes(n));
  t.equal(left.length, 1, 'plain rm keeps the anonymous volume');
  t.same(JSON.parse(await engine.ok(['volume', 'inspect', left[0]!]))[0].UsedBy, []);
  await engine.ok(['volume', 'rm', left[0]!]);
});

t.test('prune: anonymous and unused only by default, every unused one with -a, label filters', async (t) => {
  await engine.ok(['volume', 'create', 'named-unused']);
  await engine.ok(['volume', 'create', '--label', 'keep=no', 'labelled']);
  const anonymous = (await engine.ok(['volume', 'create'])).trim();
  const user = (await engine.ok(['run', '-d', '-v', 'named-used:/a', '-v', '/b', 'busybox', 'sleep', '1000'])).trim();
  const all = await names();
  const pruned = await engine.ok(['volume', 'prune', '-f']);
  t.match(pruned, new RegExp(`^Deleted Volumes:\\n${anonymous}\\n\\nTotal reclaimed space: \\S+\\n$`), 'only the unused anonymous one');
  t.same(await names(), all.filter((n) => n !== anonymous));
  t.equal(await engine.ok(['volume', 'prune', '-f', '-a', '--filter', 'label=keep=no']), 'Deleted Volumes:\nlabelled\n\nTotal reclaimed space: 0B\n');
  const rest = await engine.ok(['volume', 'prune', '-f', '-a']);
  t.match(rest, /^Deleted Volumes:\nkeep\nnamed-unused\n\nTotal reclaimed space: \S+\n$/, 'every unused one, not the ones in use');
  t.equal(await engine.ok(['volume', 'prune', '-f', '-a']), 'Total reclaimed space: 0B\n');
  t.equal((await names()).length, 2, 'the running container\'s named and anonymous volumes remain');
  await engine.ok(['rm', '-f', '-v', user]);
  t.same(await names(), ['named-used']);
});
