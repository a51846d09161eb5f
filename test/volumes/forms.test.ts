/** Each mount form and option against the real kernel: volumes, binds, tmpfs, read-only, propagation, --volumes-from. */
import fs from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { mountsMentioning, startEngine } from '../helpers/engine.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';

gateFile(requiresEngine());

const engine = await startEngine(t);
const bind = path.join(engine.dir, 'bind');
await fs.mkdir(bind);
await fs.writeFile(path.join(bind, 'host-file'), 'from the host\n');

/** The line of /proc/mounts inside a container for a mount point. */
const mountLine = async (args: string[], target: string) =>
  (await engine.ok(['run', '--rm', ...args, 'busybox', 'grep', ` ${target} `, '/proc/mounts'])).trim();

t.test('-v NAME:/path creates the named volume on first use and mounts it read-write', async (t) => {
  t.equal(await engine.ok(['run', '--rm', '-v', 'first:/data', 'busybox', 'sh', '-c', 'echo one > /data/f && cat /data/f']), 'one\n');
  t.equal((await engine.ok(['volume', 'ls', '-q'])).trim(), 'first');
  t.equal(await fs.readFile(path.join(engine.root, 'volumes/first/_data/f'), 'utf8'), 'one\n', 'the data is under volumes/<name>/_data');
  t.match(await mountLine(['-v', 'first:/data'], '/data'), /\brw\b/);
});

t.test(':ro and --mount readonly are read-only for root inside', async (t) => {
  for (const flags of [['-v', 'first:/data:ro'], ['--mount', 'type=volume,src=first,dst=/data,readonly'], ['-v', `${bind}:/data:ro`], ['--mount', `type=bind,src=${bind},dst=/data,ro=true`]]) {
    const result = await engine.berth(['run', '--rm', ...flags, 'busybox', 'sh', '-c', 'id -u; touch /data/new; echo x >> /data/f; mkdir /data/d; rm -f /data/host-file; mount -o remount,rw /data']);
    t.equal(result.stdout, '0\n', `${flags.join(' ')}: runs as root`);
    t.match(result.stderr, /touch: \/data\/new: Read-only file system/, `${flags.join(' ')}: touch refused`);
    t.match(result.stderr, /mkdir: can't create directory '\/data\/d': Read-only file system/);
    t.match(result.stderr, /mount: permission denied|Operation not permitted|Permission denied/, 'and root cannot remount it read-write');
    t.not(result.code, 0);
  }
  t.equal(await fs.readFile(path.join(bind, 'host-file'), 'utf8'), 'from the host\n', 'the host file is untouched');
  t.same((await fs.readdir(path.join(engine.root, 'volumes/first/_data'))).sort(), ['f']);
});

t.test('-v /path and --mount without src make anonymous volumes', async (t) => {
  const before = (await engine.ok(['volume', 'ls', '-q'])).trim().split('\n');
  const id = (await engine.ok(['run', '-d', '-v', '/cache', '--mount', 'dst=/other', 'busybox', 'sh', '-c', 'echo a > /cache/a; echo b > /other/b'])).trim();
  await engine.ok(['wait', id]);
  const after = (await engine.ok(['volume', 'ls', '-q'])).trim().split('\n');
  const made = after.filter((name) => !before.includes(name));
  t.equal(made.length, 2);
  for (const name of made) t.match(name, /^[a-f0-9]{64}$/, 'an anonymous volume has a random 64-hex name');
  const inspect = JSON.parse(await engine.ok(['volume', 'inspect', ...made]));
  t.same(inspect.map((v: { UsedBy: string[] }) => v.UsedBy), [[id], [id]]);
  t.ok(inspect.every((v: { Labels: object }) => 'com.docker.volume.anonymous' in v.Labels));
  await engine.ok(['rm', '-v', id]);
  t.same((await engine.ok(['volume', 'ls', '-q'])).trim().split('\n'), before, 'rm -v removed them');
});

t.test('bind mounts: -v creates a missing host dir, --mount refuses it; propagation is applied', async (t) => {
  const missing = path.join(engine.dir, 'made-by-v');
  await engine.ok(['run', '--rm', '-v', `${missing}:/m`, 'busybox', 'touch', '/m/inside']);
  t.ok((await fs.stat(path.join(missing, 'inside'))).isFile(), '-v made the host dir, and the write reached it');
  const nope = await engine.berth(['run', '--rm', '--mount', `type=bind,src=${engine.dir}/nope,dst=/m`, 'busybox', 'true']);
  t.equal(nope.code, 125);
  t.match(nope.stderr, `berth: invalid mount config for type "bind": bind source path does not exist: ${engine.dir}/nope`);
  const info = (args: string[]) => engine.ok(['run', '--rm', ...args, 'busybox', 'sh', '-c', 'grep " /b " /proc/self/mountinfo']);
  t.match(await info(['-v', `${bind}:/b`]), /^(?!.*shared:).*$/m, 'private by default');
  t.match(await info(['-v', `${bind}:/b:rshared`]), /shared:\d+/, 'rshared');
  t.match(await info(['--mount', `type=bind,src=${bind},dst=/b,bind-propagation=slave`]), / /, 'slave accepted');
  const file = path.join(engine.dir, 'single-file');
  await fs.writeFile(file, 'just one file\n');
  t.equal(await engine.ok(['run', '--rm', '-v', `${file}:/etc/one:ro`, 'busybox', 'cat', '/etc/one']), 'just one file\n', 'a file can be bound');
});

t.test('a bind never reaches outside its dir, whatever symlinks the container makes', async (t) => {
  const jail = path.join(engine.dir, 'jail');
  await fs.mkdir(jail);
  // Inside: absolute and relative symlinks resolve in the container's root, not the host's.
  const out = await engine.ok(['run', '--rm', '-v', `${jail}:/j`, 'busybox', 'sh', '-c',
    'ln -s / /j/root; ln -s ../../../../../../.. /j/up; ln -s /etc/passwd /j/passwd; ls /j/root/; cat /j/passwd; ls /j/up/']);
  t.notMatch(out, new RegExp(path.basename(engine.dir)), 'nothing of the host tree shows');
  t.match(out, /root:x:0:0:root:\/root:\/bin\/sh/, 'the container\'s own passwd');
  t.equal(await fs.readlink(path.join(jail, 'root')), '/', 'on the host the link is just a link');
  // A link left in the container's layer cannot redirect a mount on the next start (the restart policy starts it again).
  const id = (await engine.ok(['run', '-d', '--restart', 'on-failure:1', '-v', `${jail}:/mnt/j`, 'busybox', 'sh', '-c',
    'if [ -L /mnt ]; then ls -d /host-escape/j && echo second; exit 0; fi; mv /mnt /mnt.old && ln -s /host-escape /mnt && echo first; exit 1'])).trim();
  for (let i = 0; i < 100 && !(await engine.ok(['logs', id])).includes('second'); i++) await new Promise((r) => setTimeout(r, 100));
  t.equal(await engine.ok(['logs', id]), 'first\n/host-escape/j\nsecond\n', 'the second start mounted inside the container\'s root');
  t.same(await mountsMentioning('/host-escape'), [], 'no mount landed on the host');
  await fs.access('/host-escape').then(() => t.fail('/host-escape exists on the host'), () => t.pass('nothing was created on the host'));
  await engine.ok(['rm', '-f', id]);
});

t.test('--tmpfs and --mount type=tmpfs: size and mode respected, gone after stop', async (t) => {
  const line = await mountLine(['--tmpfs', '/t:size=1m,mode=1770'], '/t');
  t.match(line, /^\S+ \/t tmpfs rw,nosuid,nodev,noexec,relatime,size=1024k,mode=1770/);
  t.match(await mountLine(['--mount', 'type=tmpfs,dst=/t,tmpfs-size=2m,tmpfs-mode=700'], '/t'), /size=2048k,mode=700/);
  t.match(await mountLine(['--tmpfs', '/t:exec'], '/t'), /^(?!.*noexec)/, 'exec overrides the noexec default');
  const full = await engine.berth(['run', '--rm', '--tmpfs', '/t:size=64k', 'busybox', 'sh', '-c', 'dd if=/dev/zero of=/t/big bs=1k count=200']);
  t.not(full.code, 0, 'the size limit holds');
  t.match(full.stderr, /No space left on device/);
  // Restarted by its policy: the tmpfs comes back empty, the container's layer keeps its file.
  const id = (await engine.ok(['run', '-d', '--restart', 'on-failure:1', '--tmpfs', '/t', 'busybox', 'sh', '-c',
    'cat /t/f /root/f 2>&1; echo kept > /t/f; echo kept > /root/f; exit 1'])).trim();
  for (let i = 0; i < 100 && JSON.parse(await engine.ok(['inspect', id]))[0].RestartCount < 1; i++) await new Promise((r) => setTimeout(r, 100));
  await engine.ok(['wait', id]);
  t.equal(await engine.ok(['logs', id]), "cat: can't open '/t/f': No such file or directory\ncat: can't open '/root/f': No such file or directory\n"
    + "cat: can't open '/t/f': No such file or directory\nkept\n", 'the tmpfs is empty again, the layer kept its file');
  t.same(await mountsMentioning(id), [], 'no mount of the container is left on the host');
  await engine.ok(['rm', '-f', id]);
});

t.test('--volumes-from mounts another container\'s volumes and binds, with its modes or ro', async (t) => {
  const source = (await engine.ok(['run', '-d', '--name', 'source', '-v', 'shared:/shared', '-v', `${bind}:/bound:ro`, '--tmpfs', '/t', 'busybox', 'sh', '-c', 'echo s > /shared/s'])).trim();
  await engine.ok(['wait', source]);
  t.equal(await engine.ok(['run', '--rm', '--volumes-from', 'source', 'busybox', 'sh', '-c', 'cat /shared/s /bound/host-file; grep -c " /t " /proc/mounts; true']), 's\nfrom the host\n0\n', 'volumes and binds, not tmpfs');
  const ro = await engine.berth(['run', '--rm', '--volumes-from', 'source:ro', 'busybox', 'touch', '/shared/x']);
  t.match(ro.stderr, /Read-only file system/);
  const bad = await engine.berth(['run', '--rm', '--volumes-from', 'ghost', 'busybox', 'true']);
  t.equal(bad.code, 125);
  t.match(bad.stderr, /No such container: ghost/);
  await engine.ok(['rm', source]);
});

t.test('--read-only with writable volumes and tmpfs', async (t) => {
  const result = await engine.berth(['run', '--rm', '--read-only', '-v', 'rw-vol:/v', '--tmpfs', '/t', 'busybox', 'sh', '-c', 'touch /v/a && touch /t/a && echo ok; touch /a']);
  t.equal(result.stdout, 'ok\n');
  t.match(result.stderr, /touch: \/a: Read-only file system/);
});
