/** create, start [-a], restart, `container <verb>` and version, through the real CLI. */
import t from 'tap';
import { startEngine, until } from '../helpers/engine.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';
import { waitFor } from '../helpers/waitFor.js';

gateFile(requiresEngine());

const engine = await startEngine(t);

t.test('create prints the id and leaves the container created; start runs it', async (t) => {
  const id = (await engine.ok(['create', '--name', 'made', '-e', 'A=1', 'busybox', 'sh', '-c', 'echo made $A'])).trim();
  t.match(id, /^[a-f0-9]{64}$/);
  t.equal((await engine.ok(['inspect', '-f', '{{.State.Status}}', 'made'])).trim(), 'created');
  t.equal(await engine.ok(['start', 'made']), 'made\n', 'start prints the name it was given');
  t.equal((await engine.ok(['wait', id])).trim(), '0');
  t.equal(await engine.ok(['logs', id]), 'made 1\n');
  await engine.ok(['rm', id]);
});

t.test('create rejects bad flags as run does', async (t) => {
  const bad = await engine.berth(['create', '-w', 'relative', 'busybox', 'true']);
  t.equal(bad.code, 125);
  t.match(bad.stderr, /needs to be an absolute path/);
  const missing = await engine.berth(['create', 'busybox']);
  t.equal(missing.code, 125, 'no command and none in the image');
});

t.test('start -a follows only the new run\'s output and exits with its code', async (t) => {
  await engine.ok(['create', '--name', 'twice', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 4']);
  const first = await engine.berth(['start', '-a', 'twice']);
  t.equal(first.code, 4);
  t.equal(first.stdout, 'out\n');
  t.equal(first.stderr, 'err\n');
  // The second start -a shows output from its own start time on: let the clock pass the first run's end.
  const firstEnded = Date.parse((await engine.inspect('twice')).State.FinishedAt);
  await waitFor(() => Date.now() > firstEnded, { what: 'the clock to pass the first run\'s end' });
  const second = await engine.berth(['start', '-a', 'twice']);
  t.equal(second.code, 4);
  t.equal(second.stdout, 'out\n', 'the first run\'s output is not shown again');
  t.equal((await engine.ok(['logs', 'twice'])).split('\n').filter(Boolean).length, 2, 'the log keeps both runs');
  const many = await engine.berth(['start', '-a', 'twice', 'other']);
  t.equal(many.code, 125);
  t.match(many.stderr, /cannot start and attach multiple containers/);
  await engine.ok(['rm', 'twice']);
});

t.test('start of a missing container: one line, exit 1', async (t) => {
  const missing = await engine.berth(['start', 'nosuch']);
  t.equal(missing.code, 1);
  t.match(missing.stderr, /nosuch/);
});

t.test('restart stops and starts again', async (t) => {
  const id = (await engine.ok(['run', '-d', '--name', 'again', 'busybox', 'sh', '-c', 'echo tick; exec sleep 1000'])).trim();
  const before = JSON.parse(await engine.ok(['inspect', id]))[0].State;
  t.equal(before.Status, 'running');
  t.equal(await engine.ok(['restart', '-t', '0', 'again']), 'again\n');
  const after = JSON.parse(await engine.ok(['inspect', id]))[0].State;
  t.equal(after.Status, 'running');
  t.not(after.Pid, before.Pid, 'a new process');
  await until('the second tick', async () => (await engine.ok(['logs', id])) === 'tick\ntick\n', 60_000);
  t.equal(await engine.ok(['logs', id]), 'tick\ntick\n');
  // A stopped container is simply started.
  await engine.ok(['stop', '-t', '0', id]);
  await engine.ok(['restart', id]);
  t.equal((await engine.ok(['inspect', '-f', '{{.State.Status}}', id])).trim(), 'running');
  const bad = await engine.berth(['restart', '-t', 'x', id]);
  t.equal(bad.code, 125);
  await engine.ok(['rm', '-f', id]);
});

t.test('container <verb> aliases', async (t) => {
  const run = await engine.berth(['container', 'run', '--rm', 'busybox', 'echo', 'via container']);
  t.equal(run.code, 0, run.stderr);
  t.equal(run.stdout, 'via container\n');
  const id = (await engine.ok(['container', 'create', '--name', 'aliased', 'busybox', 'sleep', '1000'])).trim();
  t.equal(await engine.ok(['container', 'start', 'aliased']), 'aliased\n');
  t.match(await engine.ok(['container', 'ls']), /aliased/);
  t.match(await engine.ok(['container', 'list', '-q']), id.slice(0, 12));
  t.match(await engine.ok(['container', 'ps', '--format', '{{.Names}}']), /^aliased$/m);
  t.equal((await engine.ok(['container', 'inspect', '--format', '{{.Name}}', 'aliased'])).trim(), '/aliased');
  t.equal((await engine.ok(['container', 'exec', 'aliased', 'echo', 'in'])), 'in\n');
  t.match(await engine.ok(['container', 'top', 'aliased']), /sleep/);
  t.equal(await engine.ok(['container', 'pause', 'aliased']), 'aliased\n');
  t.equal(await engine.ok(['container', 'unpause', 'aliased']), 'aliased\n');
  t.equal(await engine.ok(['container', 'update', '--pids-limit', '50', 'aliased']), 'aliased\n');
  await engine.ok(['container', 'rename', 'aliased', 'renamed']);
  t.match(await engine.ok(['container', 'stats', '--no-stream', 'renamed']), /renamed|CPU/);
  t.equal(await engine.ok(['container', 'restart', '-t', '0', 'renamed']), 'renamed\n');
  t.equal(await engine.ok(['container', 'kill', 'renamed']), 'renamed\n');
  t.equal((await engine.ok(['container', 'wait', 'renamed'])).trim(), '137');
  t.equal(await engine.ok(['container', 'logs', 'renamed']), '');
  await engine.ok(['container', 'start', 'renamed']);
  t.equal(await engine.ok(['container', 'stop', '-t', '0', 'renamed']), 'renamed\n');
  t.equal(await engine.ok(['container', 'rm', 'renamed']), 'renamed\n');
  const unknown = await engine.berth(['container', 'nosuchverb']);
  t.equal(unknown.code, 125);
});

t.test('version: client and daemon, text, json and a template', async (t) => {
  const text = await engine.ok(['version']);
  t.match(text, /^Client:\n {2}Version: +0\.1\.0/);
  t.match(text, /Server: berthd\n {2}Version: +0\.1\.0\n {2}Host: +testhost/);
  const json = JSON.parse(await engine.ok(['version', '--format', 'json']));
  t.equal(json.Client.Version, '0.1.0');
  t.equal(json.Server.Version, '0.1.0');
  t.equal(json.Server.Host, 'testhost');
  t.equal(await engine.ok(['version', '--format', '{{.Client.Version}} {{.Server.Host}}']), '0.1.0 testhost\n');
  const bad = await engine.berth(['version', '--format', '{{nosuch}}']);
  t.equal(bad.code, 125);
  t.match(bad.stderr, /function "nosuch" not defined/);
});
