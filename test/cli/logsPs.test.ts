/** logs --since/--until/--tail/-t, ps -n/-l/--filter/--format, and --format on images, volume ls, inspect. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { startEngine, until } from '../helpers/engine.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';

gateFile(requiresEngine());

const CLI = fileURLToPath(new URL('../../cli/main.cjs', import.meta.url));
const engine = await startEngine(t);

t.test('logs --tail, -t, --since and --until', async (t) => {
  const id = (await engine.ok(['run', '-d', 'busybox', 'sh', '-c', 'echo one; echo two; echo three >&2; sleep 2; echo four'])).trim();
  t.equal((await engine.ok(['wait', id])).trim(), '0');
  const all = await engine.berth(['logs', id]);
  t.equal(all.stdout, 'one\ntwo\nfour\n');
  t.equal(all.stderr, 'three\n');
  t.equal((await engine.ok(['logs', '--tail', '1', id])), 'four\n');
  const tail2 = await engine.berth(['logs', '-n', '2', id]);
  t.equal(tail2.stdout, 'four\n');
  t.equal(tail2.stderr, 'three\n');
  t.equal(await engine.ok(['logs', '--tail', '0', id]), '');
  t.equal(await engine.ok(['logs', '--tail', 'all', id]), 'one\ntwo\nfour\n');
  const stamped = (await engine.ok(['logs', '-t', id])).split('\n').filter(Boolean);
  t.equal(stamped.length, 3);
  for (const line of stamped) t.match(line, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z (one|two|four)$/);
  const fourAt = Date.parse(stamped[2]!.split(' ')[0]!);
  const twoAt = Date.parse(stamped[1]!.split(' ')[0]!);
  t.ok(fourAt - twoAt >= 1500, 'four came two seconds later');
  const cut = new Date(fourAt - 1000).toISOString();
  t.equal(await engine.ok(['logs', '--since', cut, id]), 'four\n');
  t.equal(await engine.ok(['logs', '--until', cut, id]), 'one\ntwo\n');
  t.equal(await engine.ok(['logs', '--since', String((fourAt - 1000) / 1000), id]), 'four\n', 'Unix seconds');
  t.equal(await engine.ok(['logs', '--since', '10m', id]), 'one\ntwo\nfour\n', 'a duration back from now');
  t.equal(await engine.ok(['logs', '--since', '10m', '--until', '9m', id]), '');
  const bad = await engine.berth(['logs', '--tail', 'x', id]);
  t.equal(bad.code, 125);
  t.match(bad.stderr, /invalid value "x" for --tail/);
  const badSince = await engine.berth(['logs', '--since', 'yesterday', id]);
  t.equal(badSince.code, 125);
  await engine.ok(['rm', id]);
});

t.test('logs -f --tail: the last lines of the history, then what follows', async (t) => {
  // d comes when the test says so, after the follower printed the tail: no race with a sleep.
  const id = (await engine.ok(['run', '-d', 'busybox', 'sh', '-c', 'echo a; echo b; echo c; while [ ! -e /tmp/go ]; do sleep 0.05; done; echo d'])).trim();
  await until('a, b and c in the log', async () => (await engine.ok(['logs', id])) === 'a\nb\nc\n');
  const follower = spawn(process.execPath, ['--', CLI, 'logs', '-f', '--tail', '1', id], { env: engine.env, stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => { if (follower.exitCode === null) follower.kill('SIGKILL'); });
  let out = '';
  follower.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | null>((resolve) => follower.on('close', resolve));
  await until('the tail', async () => out === 'c\n');
  await engine.ok(['exec', id, 'touch', '/tmp/go']);
  t.equal(await exited, 0, 'it ends with the container');
  t.equal(out, 'c\nd\n');
  await engine.ok(['rm', '-f', id]);
});

t.test('ps -n, -l, --filter and --format', async (t) => {
  const a = (await engine.ok(['run', '-d', '--name', 'pa', '-l', 'tier=web', 'busybox', 'sleep', '1000'])).trim();
  const b = (await engine.ok(['run', '-d', '--name', 'pb', '-l', 'tier=db', 'busybox', 'sh', '-c', 'exit 3'])).trim();
  t.equal((await engine.ok(['wait', b])).trim(), '3');
  const c = (await engine.ok(['create', '--name', 'pc', 'busybox', 'true'])).trim();
  const names = async (args: string[]) => (await engine.ok(['ps', ...args, '--format', '{{.Names}}'])).split('\n').filter(Boolean);
  t.same(await names([]), ['pa']);
  t.same(await names(['-a']), ['pc', 'pb', 'pa'], 'newest first');
  t.same(await names(['-l']), ['pc'], '-l looks at every state');
  t.same(await names(['-n', '2']), ['pc', 'pb']);
  t.same(await names(['-a', '--filter', 'label=tier']), ['pb', 'pa']);
  t.same(await names(['-a', '--filter', 'label=tier=db']), ['pb']);
  t.same(await names(['--filter', 'status=exited']), ['pb'], 'a status filter looks at every state');
  t.same(await names(['--filter', 'status=created']), ['pc']);
  t.same(await names(['--filter', 'status=created', '--filter', 'status=exited']), ['pc', 'pb'], 'one key twice: either');
  t.same(await names(['--filter', 'exited=3']), ['pb']);
  t.same(await names(['--filter', 'exited=0']), []);
  t.same(await names(['-a', '--filter', 'name=^p[ab]$']), ['pb', 'pa']);
  t.same(await names(['-a', '--filter', `id=${a.slice(0, 8)}`]), ['pa']);
  t.same(await names(['-a', '--filter', 'ancestor=busybox:latest', '--filter', 'label=tier=web']), ['pa'], 'different keys: both');
  t.same(await names(['-a', '--filter', 'ancestor=other']), []);
  const bad = await engine.berth(['ps', '--filter', 'color=red']);
  t.equal(bad.code, 125);
  t.match(bad.stderr, /invalid filter 'color'/);
  const badStatus = await engine.berth(['ps', '--filter', 'status=asleep']);
  t.equal(badStatus.code, 125);
  t.equal((await engine.berth(['ps', '-n', '0'])).code, 125);

  const line = (await engine.ok(['ps', '--format', '{{.ID}} {{.Names}} {{.Image}} {{.State}} {{.Labels}}'])).trim();
  t.equal(line, `${a.slice(0, 12)} pa busybox running tier=web`);
  t.equal((await engine.ok(['ps', '--no-trunc', '--format', '{{.ID}}'])).trim(), a);
  const table = (await engine.ok(['ps', '-a', '--format', 'table {{.ID}}\\t{{.Names}}\\t{{.Status}}'])).split('\n');
  t.match(table[0], /^CONTAINER ID {3}NAMES {3}STATUS$/);
  t.match(table[1], new RegExp(`^${c.slice(0, 12)} {3}pc {6}Created$`));
  t.match(table[2], /Exited \(3\)/);
  const json = JSON.parse((await engine.ok(['ps', '--format', '{{json .}}'])).trim());
  t.equal(json.Names, 'pa');
  t.equal(json.State, 'running');
  t.equal((await engine.ok(['ps', '-q', '--format', '{{.Names}}'])).trim(), a.slice(0, 12), '-q wins over --format');
  const badTemplate = await engine.berth(['ps', '--format', '{{.ID']);
  t.equal(badTemplate.code, 125);
  t.match(badTemplate.stderr, /unclosed action/);
  await engine.ok(['rm', '-f', a, b, c]);
});

t.test('--format on images, volume ls and inspect', async (t) => {
  t.match(await engine.ok(['images', '--format', '{{.Repository}}:{{.Tag}}']), /^busybox:latest$/m);
  t.match(await engine.ok(['image', 'ls', '--format', 'table {{.Repository}}\\t{{.ID}}']), /^REPOSITORY {3}IMAGE ID\nbusybox {6}[a-f0-9]{12}\n/);
  await engine.ok(['volume', 'create', '-l', 'k=v', 'fmtvol']);
  t.equal(await engine.ok(['volume', 'ls', '--format', '{{.Name}} {{.Driver}} {{.Labels}}']), 'fmtvol local k=v\n');
  t.match(await engine.ok(['volume', 'ls', '--format', 'table {{.Name}}']), /^VOLUME NAME\nfmtvol\n$/);
  t.equal(await engine.ok(['inspect', '--type', 'volume', '-f', '{{.Name}} {{.Driver}}', 'fmtvol']), 'fmtvol local\n');
  t.equal(JSON.parse(await engine.ok(['inspect', '--type', 'volume', 'fmtvol']))[0].Name, 'fmtvol');
  const id = (await engine.ok(['create', '--name', 'insp', '-l', 'x=y', 'busybox', 'true'])).trim();
  t.equal(await engine.ok(['inspect', '--format', '{{.Id}} {{.State.Status}} {{index .Config.Labels "x"}}', 'insp']), `${id} created y\n`);
  t.equal(await engine.ok(['inspect', '-f', '{{json .Config.Cmd}}', 'insp']), '["true"]\n');
  t.match(await engine.ok(['inspect', '-f', '{{.RootFS.Type}}', 'busybox']), /^layers$/m);
  const partial = await engine.berth(['inspect', '-f', '{{.Name}}', 'insp', 'nosuch']);
  t.equal(partial.code, 1);
  t.equal(partial.stdout, '/insp\n');
  t.match(partial.stderr, /nosuch/);
  await engine.ok(['rm', id]);
  await engine.ok(['volume', 'rm', 'fmtvol']);
});
