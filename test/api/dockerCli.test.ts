/** The real docker CLI 28 against berth's Engine API socket. */
import fs from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { startEngine } from '../helpers/engine.js';
import { docker, dockerOk, dockerSocket } from '../helpers/docker.js';
import { gateFile, requiresEngine, requiresProgram } from '../helpers/gates.js';

gateFile(requiresEngine(), requiresProgram('docker', 'the docker CLI (docker-ce-cli)'));

const engine = await startEngine(t);

t.test('the socket: 0660, root-owned, only where asked', async (t) => {
  const stat = await fs.stat(dockerSocket(engine));
  t.ok(stat.isSocket());
  t.equal(stat.mode & 0o777, 0o660);
  t.equal(stat.uid, 0);
});

t.test('docker version shows the server and its API versions', async (t) => {
  const out = await dockerOk(engine, ['version', '--format', '{{json .Server}}']);
  const server = JSON.parse(out);
  t.equal(server.ApiVersion, '1.51');
  t.equal(server.MinAPIVersion, '1.24');
  t.equal(server.Os, 'linux');
  t.match(server.Components[0], { Name: 'Engine' });
});

t.test('docker run --rm prints the output and exits with the code', async (t) => {
  const hi = await docker(engine, ['run', '--rm', 'busybox', 'echo', 'hi']);
  t.equal(hi.code, 0, hi.stderr);
  t.equal(hi.stdout, 'hi\n');
  const failed = await docker(engine, ['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
  t.equal(failed.code, 3);
  t.equal(failed.stdout, 'out\n');
  t.equal(failed.stderr, 'err\n');
  t.equal((await engine.ok(['ps', '-aq'])).trim(), '', 'removed, as berth ps sees it');
});

t.test('run -d, ps, inspect, logs -f, exec, stop, rm', async (t) => {
  const id = (await dockerOk(engine, ['run', '-d', '--name', 'web', '--label', 'tier=front', 'busybox', 'sh', '-c', 'echo started; sleep 1000'])).trim();
  t.match(id, /^[a-f0-9]{64}$/);
  const ps = await dockerOk(engine, ['ps', '--format', '{{.Names}} {{.Image}} {{.State}}']);
  t.equal(ps, 'web busybox running\n');
  t.equal((await dockerOk(engine, ['ps', '-q', '--filter', 'label=tier=front'])).trim(), id.slice(0, 12));
  t.equal((await dockerOk(engine, ['ps', '-q', '--filter', 'label=tier=back'])).trim(), '');
  const inspected = JSON.parse(await dockerOk(engine, ['inspect', 'web']))[0];
  t.equal(inspected.Id, id);
  t.equal(inspected.Name, '/web');
  t.equal(inspected.State.Running, true);
  t.equal(await dockerOk(engine, ['inspect', '-f', '{{.Config.Labels.tier}}', 'web']), 'front\n');
  t.match(await dockerOk(engine, ['logs', 'web']), 'started\n');
  const exec = await docker(engine, ['exec', 'web', 'sh', '-c', 'echo in-exec; exit 4']);
  t.equal(exec.stdout, 'in-exec\n');
  t.equal(exec.code, 4, 'exec\'s exit code, from exec inspect');
  t.equal(await dockerOk(engine, ['exec', 'web', 'hostname']), `${inspected.Config.Hostname}\n`, 'in the container');
  // logs -f follows until the container ends
  const follow = docker(engine, ['logs', '-f', 'web']);
  await dockerOk(engine, ['stop', '-t', '1', 'web']);
  const followed = await follow;
  t.equal(followed.code, 0);
  t.match(followed.stdout, 'started\n');
  t.equal((await dockerOk(engine, ['inspect', '-f', '{{.State.Status}}', 'web'])).trim(), 'exited');
  t.equal(await dockerOk(engine, ['ps', '-a', '--filter', 'status=exited', '--format', '{{.Names}}']), 'web\n');
  await dockerOk(engine, ['rm', 'web']);
  const gone = await docker(engine, ['inspect', 'web']);
  t.equal(gone.code, 1);
  t.match(gone.stderr, /No such (container|object)/);
});

t.test('errors: Docker\'s status codes and messages', async (t) => {
  const missing = await docker(engine, ['start', 'nothere']);
  t.not(missing.code, 0);
  t.match(missing.stderr, /No such container: nothere/);
  await dockerOk(engine, ['create', '--name', 'twice', 'busybox', 'true']);
  const conflict = await docker(engine, ['create', '--name', 'twice', 'busybox', 'true']);
  t.not(conflict.code, 0);
  t.match(conflict.stderr, /twice/);
  await dockerOk(engine, ['rm', 'twice']);
});

t.test('images, volumes, networks', async (t) => {
  t.match(await dockerOk(engine, ['images', '--format', '{{.Repository}}:{{.Tag}}']), /busybox:latest/);
  await dockerOk(engine, ['tag', 'busybox', 'mybox:1']);
  t.match(await dockerOk(engine, ['images', '--format', '{{.Repository}}:{{.Tag}}']), /mybox:1/);
  t.match(await dockerOk(engine, ['image', 'inspect', '-f', '{{.Id}}', 'mybox:1']), /^sha256:[a-f0-9]{64}\n$/);
  await dockerOk(engine, ['rmi', 'mybox:1']);
  t.notMatch(await dockerOk(engine, ['images', '--format', '{{.Repository}}:{{.Tag}}']), /mybox/);

  await dockerOk(engine, ['volume', 'create', '--label', 'k=v', 'data']);
  t.match(await dockerOk(engine, ['volume', 'ls', '--format', '{{.Name}} {{.Driver}}']), 'data local\n');
  t.equal(await dockerOk(engine, ['volume', 'inspect', '-f', '{{.Labels.k}}', 'data']), 'v\n');
  const ran = await docker(engine, ['run', '--rm', '-v', 'data:/data', 'busybox', 'sh', '-c', 'echo kept > /data/f && cat /data/f']);
  t.equal(ran.stdout, 'kept\n', ran.stderr);
  await dockerOk(engine, ['volume', 'rm', 'data']);
  t.equal(await dockerOk(engine, ['volume', 'ls', '-q']), '');

  const networks = (await dockerOk(engine, ['network', 'ls', '--format', '{{.Name}} {{.Driver}}'])).split('\n');
  t.ok(networks.includes('host host') && networks.includes('none null'), 'Docker\'s built-in networks');
  t.equal(await dockerOk(engine, ['network', 'inspect', '-f', '{{.Driver}}', 'host']), 'host\n');
});

t.test('docker events shows what happened, from berth\'s log', async (t) => {
  const since = Math.floor(Date.now() / 1000) - 1;
  await dockerOk(engine, ['run', '--rm', '--name', 'evt', 'busybox', 'true']);
  const until = Math.floor(Date.now() / 1000) + 1;
  const out = await dockerOk(engine, ['events', '--since', String(since), '--until', String(until), '--filter', 'container=evt', '--format', '{{.Action}}']);
  t.same(out.trim().split('\n'), ['create', 'start', 'die', 'destroy']);
});

t.test('docker run without -d attaches, and the exit code comes from wait', async (t) => {
  const ran = await docker(engine, ['run', '--name', 'kept', 'busybox', 'sh', '-c', 'echo a; sleep 0.2; echo b >&2; exit 2']);
  t.equal(ran.stdout, 'a\n');
  t.equal(ran.stderr, 'b\n');
  t.equal(ran.code, 2);
  t.equal(await dockerOk(engine, ['ps', '-a', '--format', '{{.Names}} {{.State}}']), 'kept exited\n');
  await dockerOk(engine, ['rm', 'kept']);
});

t.test('docker stats --no-stream reads a running container', async (t) => {
  await dockerOk(engine, ['run', '-d', '--name', 'busy', 'busybox', 'sleep', '1000']);
  const out = await dockerOk(engine, ['stats', '--no-stream', '--format', '{{.Name}} {{.PIDs}}', 'busy']);
  t.equal(out, 'busy 1\n');
  await dockerOk(engine, ['pause', 'busy']);
  t.equal(await dockerOk(engine, ['inspect', '-f', '{{.State.Paused}}', 'busy']), 'true\n');
  await dockerOk(engine, ['unpause', 'busy']);
  await dockerOk(engine, ['rename', 'busy', 'busier']);
  t.match(await dockerOk(engine, ['top', 'busier']), /sleep 1000/);
  await dockerOk(engine, ['rm', '-f', 'busier']);
});

t.test('docker commit: a container\'s changes and -c lines as an image', async (t) => {
  await dockerOk(engine, ['run', '--name', 'tocommit', 'busybox', 'sh', '-c', 'echo kept > /made']);
  const id = (await dockerOk(engine, ['commit', '-c', 'ENV MADE=1', '-c', 'LABEL by=cli', '-m', 'made it', 'tocommit', 'committed:cli'])).trim();
  t.match(id, /^sha256:[a-f0-9]{64}$/);
  t.equal(await dockerOk(engine, ['image', 'inspect', '-f', '{{.Id}} {{.Config.Labels.by}} {{.Comment}}', 'committed:cli']), `${id} cli made it\n`);
  t.equal(await dockerOk(engine, ['run', '--rm', 'committed:cli', 'sh', '-c', 'cat /made; echo $MADE']), 'kept\n1\n');
  const missing = await docker(engine, ['commit', 'nothere']);
  t.equal(missing.code, 1);
  t.match(missing.stderr, /No such container: nothere/);
  await dockerOk(engine, ['rm', 'tocommit']);
  await dockerOk(engine, ['rmi', 'committed:cli']);
});

t.test('--docker-socket moves the socket, and \'\' turns it off', async (t) => {
  const moved = path.join(engine.dir, 'elsewhere', 'api.sock');
  await engine.killDaemon('SIGTERM');
  await t.rejects(fs.stat(dockerSocket(engine)), { code: 'ENOENT' }, 'removed at stop');
  engine.daemonArgs = ['--docker-socket', moved];
  await engine.startDaemon();
  t.ok((await fs.stat(moved)).isSocket());
  await t.rejects(fs.stat(dockerSocket(engine)), { code: 'ENOENT' });
  await engine.killDaemon('SIGTERM');
  engine.daemonArgs = ['--docker-socket', ''];
  await engine.startDaemon();
  await t.rejects(fs.stat(moved), { code: 'ENOENT' });
  await t.rejects(fs.stat(dockerSocket(engine)), { code: 'ENOENT' });
  t.equal((await engine.ok(['ps', '-aq'])), '', 'the daemon itself serves');
});
