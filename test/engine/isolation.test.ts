/** Namespaces, limits and cleanup, checked against the real kernel from outside the container. */
import fs from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { cgroupDirsOf, mountsMentioning, startEngine } from '../helpers/engine.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';

gateFile(requiresEngine());

const engine = await startEngine(t);

t.test('the container lives in its own pid, mount, uts, ipc and net namespaces', async (t) => {
  const id = (await engine.ok(['run', '-d', 'busybox', 'sleep', '1000'])).trim();
  const { State } = JSON.parse(await engine.ok(['inspect', id]))[0];
  t.ok(State.Pid > 0, 'inspect shows the host pid');
  for (const ns of ['pid', 'mnt', 'uts', 'ipc', 'net']) {
    const inside = await fs.readlink(`/proc/${State.Pid}/ns/${ns}`);
    const outside = await fs.readlink(`/proc/self/ns/${ns}`);
    t.not(inside, outside, `${ns} namespace differs from the host's`);
  }
  const ps = await engine.berth(['run', '--rm', 'busybox', 'sh', '-c', 'echo $$ /proc/[0-9]*']);
  t.equal(ps.stdout, '1 /proc/1\n', 'the shell is pid 1 and the only process it can see');
  const net = await engine.ok(['run', '--rm', 'busybox', 'sh', '-c', 'ls /sys/class/net; cat /sys/class/net/lo/operstate; ip -o link | grep -c UP']);
  t.match(net, /^lo\n/, 'only loopback exists');
  t.match(net, /\n1\n$/, 'and it is up');
  await engine.ok(['rm', '-f', id]);
});

t.test('the root is an overlay: writes land in the upper dir, the image stays untouched', async (t) => {
  const id = (await engine.ok(['run', '-d', 'busybox', 'sh', '-c', 'echo data > /etc/written; rm /bin/vi; sleep 1000'])).trim();
  const upper = path.join(engine.root, 'containers', id, 'upper');
  for (let i = 0; i < 100 && !(await fs.access(path.join(upper, 'etc/written')).then(() => true, () => false)); i++) await new Promise((r) => setTimeout(r, 20));
  t.equal(await fs.readFile(path.join(upper, 'etc/written'), 'utf8'), 'data\n');
  const whiteout = await fs.stat(path.join(upper, 'bin/vi'));
  t.ok(whiteout.isCharacterDevice(), 'a deleted file is a whiteout in the upper dir');
  const other = await engine.ok(['run', '--rm', 'busybox', 'sh', '-c', 'ls /etc/written /bin/vi 2>&1; true']);
  t.match(other, /\/etc\/written: No such file/, 'another container does not see the write');
  t.match(other, /\/bin\/vi\n/, 'nor the delete');
  t.equal(await engine.ok(['run', '--rm', 'busybox', 'sh', '-c', 'mount | grep -c " / type overlay"']), '1\n');
  t.match(await engine.ok(['run', '--rm', 'busybox', 'sh', '-c', 'touch /sys/x 2>&1; true']), /Read-only file system/, '/sys is read-only');
  t.equal(await engine.ok(['run', '--rm', 'busybox', 'ls', '/dev']), ['full', 'mqueue', 'null', 'ptmx', 'pts', 'random', 'shm', 'stderr', 'stdin', 'stdout', 'tty', 'urandom', 'zero', 'fd'].sort().join('\n') + '\n');
  await engine.ok(['rm', '-f', id]);
});

t.test('the memory limit kills a process that exceeds it', async (t) => {
  const run = await engine.berth(['run', '--name', 'hog', '-m', '16m', 'busybox', 'dd', 'if=/dev/zero', 'of=/dev/null', 'bs=64M', 'count=1']);
  t.equal(run.code, 137, 'killed by SIGKILL');
  const { State, HostConfig } = JSON.parse(await engine.ok(['inspect', 'hog']))[0];
  t.equal(State.OOMKilled, true, 'inspect reports the OOM kill');
  t.equal(HostConfig.Memory, 16 * 1024 * 1024);
  const fits = await engine.berth(['run', '--rm', '-m', '64m', 'busybox', 'dd', 'if=/dev/zero', 'of=/dev/null', 'bs=8M', 'count=1']);
  t.equal(fits.code, 0, 'within the limit it runs');
  await engine.ok(['rm', 'hog']);
});

t.test('the pids limit stops forks beyond it', async (t) => {
  const script = 'for i in 1 2 3 4 5 6; do sleep 1 & done; echo survived';
  const limited = await engine.berth(['run', '--rm', '--pids-limit', '4', 'busybox', 'sh', '-c', script]);
  t.equal(limited.code, 2, 'the shell fails when it cannot fork');
  t.match(limited.stderr, /can't fork: Resource temporarily unavailable/);
  t.equal(limited.stdout, '');
  const roomy = await engine.berth(['run', '--rm', '--pids-limit', '20', 'busybox', 'sh', '-c', script]);
  t.equal(roomy.code, 0, roomy.stderr);
  t.equal(roomy.stdout, 'survived\n');
});

t.test('without --pids-limit, podman\'s default 2048 applies', async (t) => {
  const id = (await engine.ok(['run', '-d', 'busybox', 'sleep', '1000'])).trim();
  t.teardown(() => engine.berth(['rm', '-f', id]));
  t.equal((await engine.ok(['inspect', '--format', '{{.HostConfig.PidsLimit}}', id])).trim(), '2048', 'inspect shows it');
  const pids = (await cgroupDirsOf(id)).find((dir) => dir.includes('/pids/'));
  t.ok(pids, 'the container has a pids cgroup');
  t.equal((await fs.readFile(path.join(pids!, 'pids.max'), 'utf8')).trim(), '2048', 'and the kernel enforces it');
});

t.test('--rm leaves no mount, cgroup or directory behind', async (t) => {
  const id = (await engine.ok(['run', '-d', '--rm', '-m', '32m', 'busybox', 'sleep', '1000'])).trim();
  t.not((await cgroupDirsOf(id)).length, 0, 'a running container has its cgroup');
  await engine.ok(['stop', '-t', '0', id]);
  for (let i = 0; i < 100 && (await fs.access(path.join(engine.root, 'containers', id)).then(() => true, () => false)); i++) await new Promise((r) => setTimeout(r, 20));
  t.same(await cgroupDirsOf(id), [], 'no cgroup');
  t.same(await mountsMentioning(id), [], 'no mount');
  t.same(await mountsMentioning(engine.dir), [], 'no mount under the engine dir at all');
  await t.rejects(fs.access(path.join(engine.root, 'containers', id)), 'no container dir');
  const quick = await engine.berth(['run', '--rm', 'busybox', 'true']);
  t.equal(quick.code, 0);
  t.same(await fs.readdir(path.join(engine.root, 'containers')), [], 'a finished run --rm leaves nothing');
});
