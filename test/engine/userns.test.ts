/**
 * --userns-remap: container root is an unprivileged host uid. The daemon runs in a mount
 * namespace of its own where /etc has subuid and subgid entries for dockremap (an overlay over
 * the host's /etc, so the host's files are untouched), and `--userns-remap default` finds them.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { DAEMON, runCaptured, startEngine } from '../helpers/engine.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';
import { writeManyLayersLayout } from '../helpers/manyLayers.js';

gateFile(requiresEngine());

const UID = 100000;
const GID = 200000;
const engine = await startEngine(t, { daemon: false, image: false });
const etc = path.join(engine.dir, 'etc');
await fs.mkdir(path.join(etc, 'upper'), { recursive: true });
await fs.mkdir(path.join(etc, 'work'));
await fs.writeFile(path.join(etc, 'upper/subuid'), `dockremap:${UID}:65536\n`);
await fs.writeFile(path.join(etc, 'upper/subgid'), `dockremap:${GID}:65536\n`);
// Every process of this engine (daemon and CLI) starts in a private mount namespace with that /etc.
engine.netns = ['unshare', '-m', '--propagation', 'private', 'sh', '-c',
  `mount -t overlay overlay -o lowerdir=/etc,upperdir=${etc}/upper,workdir=${etc}/work /etc && exec "$@"`, 'sh'];
engine.daemonArgs = ['--bridge', 'none', '--userns-remap', 'default'];
await engine.startDaemon();
await engine.importBusybox();

const words = (text: string) => text.trim().split(/\s+/).join(' ');
const hostIds = async (pid: number) => {
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8');
  return { uid: status.match(/^Uid:\s+(\d+)/m)![1], gid: status.match(/^Gid:\s+(\d+)/m)![1] };
};

t.test('/proc/self/uid_map shows the mapping; root inside is the mapped uid outside', async (t) => {
  t.equal(words(await engine.ok(['run', '--rm', 'busybox', 'cat', '/proc/self/uid_map'])), `0 ${UID} 65536`);
  t.equal(words(await engine.ok(['run', '--rm', 'busybox', 'cat', '/proc/self/gid_map'])), `0 ${GID} 65536`);
  t.equal(await engine.ok(['run', '--rm', 'busybox', 'id']), await engine.ok(['run', '--rm', '--userns=host', 'busybox', 'id']), 'root, as without the remap');
  const id = (await engine.ok(['run', '-d', 'busybox', 'sleep', '300'])).trim();
  const pid = Number((await engine.ok(['inspect', '-f', '{{.State.Pid}}', id])).trim());
  t.same(await hostIds(pid), { uid: String(UID), gid: String(GID) }, 'the host sees the container\'s root as the mapped ids');
  // exec joins the user namespace: root inside, the mapped uid outside
  t.equal(words(await engine.ok(['exec', id, 'cat', '/proc/self/uid_map'])), `0 ${UID} 65536`);
  t.equal((await engine.ok(['exec', id, 'id', '-u'])).trim(), '0');
  t.equal((await engine.ok(['exec', id, 'sh', '-c', 'echo made > /made && stat -c "%u %g" /made /bin/busybox'])).trim(), '0 0\n0 0');
  await engine.ok(['rm', '-f', id]);
});

t.test('the image\'s layers stay host root\'s on disk; the container\'s writes are the mapped uid\'s', async (t) => {
  const id = (await engine.ok(['run', '-d', 'busybox', 'sh', '-c', 'echo hi > /new && mkdir /dir && sleep 300'])).trim();
  const upper = path.join(engine.root, 'containers', id, 'upper');
  await t.resolves(async () => {
    for (let i = 0; i < 100 && !(await fs.stat(path.join(upper, 'dir')).catch(() => null)); i++) await new Promise((r) => setTimeout(r, 50));
  });
  const made = await fs.stat(path.join(upper, 'new'));
  t.same([made.uid, made.gid], [UID, GID], 'a file made in / is owned by the mapped ids on the host');
  const layers = path.join(engine.root, 'images', 'layers');
  const owners = await Promise.all((await fs.readdir(layers)).map((layer) => fs.stat(path.join(layers, layer, 'bin/busybox')).then((st) => [st.uid, st.gid], () => null)));
  t.same(owners.filter(Boolean), [[0, 0]], 'the shared layer is not chowned');
  await engine.ok(['rm', '-f', id]);
});

t.test('root in the container cannot write a host file only its real owner may write', async (t) => {
  const dir = path.join(engine.dir, 'bind');
  await fs.mkdir(dir, { mode: 0o755 });
  const owned = path.join(dir, 'owned');
  await fs.writeFile(owned, 'original\n', { mode: 0o644 });
  await fs.chown(owned, 1234, 1234);
  const secret = path.join(dir, 'secret');
  await fs.writeFile(secret, 'secret\n', { mode: 0o600 });
  const write = await engine.berth(['run', '--rm', '-v', `${owned}:/owned`, 'busybox', 'sh', '-c', 'echo changed > /owned']);
  t.not(write.code, 0, 'the write fails');
  t.match(write.stderr + write.stdout, /Permission denied/);
  t.equal(await fs.readFile(owned, 'utf8'), 'original\n', 'the file is unchanged');
  const read = await engine.berth(['run', '--rm', '-v', `${secret}:/secret`, 'busybox', 'cat', '/secret']);
  t.not(read.code, 0, 'host root\'s 0600 file cannot be read');
  const chmod = await engine.berth(['run', '--rm', '-v', `${dir}:/dir`, 'busybox', 'sh', '-c', 'chown 0 /dir/owned || chmod 666 /dir/owned']);
  t.not(chmod.code, 0, 'nor chowned or chmodded');
  t.equal((await fs.stat(owned)).mode & 0o777, 0o644);
  // --userns=host opts out, as Docker's: the same write then succeeds
  t.equal(words(await engine.ok(['run', '--rm', '--userns', 'host', 'busybox', 'cat', '/proc/self/uid_map'])), '0 0 4294967295');
  await engine.ok(['run', '--rm', '--userns=host', '-v', `${owned}:/owned`, 'busybox', 'sh', '-c', 'echo changed > /owned']);
  t.equal(await fs.readFile(owned, 'utf8'), 'changed\n');
});

t.test('files the container makes in a volume are the mapped uid\'s on the host', async (t) => {
  await engine.ok(['run', '--rm', '-v', 'data:/data', 'busybox', 'sh', '-c', 'echo hi > /data/f && mkdir /data/d && chown 1000:1000 /data/d']);
  const data = path.join(engine.root, 'volumes', 'data', '_data');
  const f = await fs.stat(path.join(data, 'f'));
  t.same([f.uid, f.gid], [UID, GID]);
  const d = await fs.stat(path.join(data, 'd'));
  t.same([d.uid, d.gid], [UID + 1000, GID + 1000], 'uid 1000 inside is 101000 outside');
  t.equal((await engine.ok(['run', '--rm', '-v', 'data:/data', 'busybox', 'sh', '-c', 'cat /data/f && stat -c "%u %g" /data/f /data/d'])).trim(), 'hi\n0 0\n1000 1000', 'another container reads them back');
  // copy-up: an empty volume over image content gets it, owned by the container's root
  t.equal((await engine.ok(['run', '--rm', '-v', 'etcvol:/etc', 'busybox', 'stat', '-c', '%u %g', '/etc/passwd'])).trim(), '0 0');
  const passwd = await fs.stat(path.join(engine.root, 'volumes', 'etcvol', '_data', 'passwd'));
  t.same([passwd.uid, passwd.gid], [UID, GID]);
});

t.test('cp into a remapped container gives the files to its root; stop and start keep the mapping', async (t) => {
  const id = (await engine.ok(['run', '-d', '-v', 'kept:/kept', 'busybox', 'sleep', '300'])).trim();
  const file = path.join(engine.dir, 'copied');
  await fs.writeFile(file, 'copied\n');
  await engine.ok(['cp', file, `${id}:/copied`]);
  t.equal((await engine.ok(['exec', id, 'stat', '-c', '%u %g', '/copied'])).trim(), '0 0', 'root\'s inside');
  const copied = await fs.stat(path.join(engine.root, 'containers', id, 'upper', 'copied'));
  t.same([copied.uid, copied.gid], [UID, GID], 'the mapped root\'s on the host');
  await engine.ok(['exec', id, 'sh', '-c', 'echo before > /kept/f']);
  await engine.ok(['stop', '-t', '1', id]);
  await engine.ok(['start', id]);
  t.equal((await engine.ok(['exec', id, 'sh', '-c', 'cat /kept/f /copied && echo after >> /kept/f && cat /proc/self/uid_map'])).replace(/ +/g, ' '), `before\ncopied\n 0 ${UID} 65536\n`);
  await engine.ok(['rm', '-f', id]);
});

t.test('an image of 130 layers runs on idmapped layers (issue 22)', async (t) => {
  const layout = path.join(engine.dir, 'many');
  await writeManyLayersLayout(layout, 'v1', 130);
  const loaded = await engine.ok(['load', '-i', layout]);
  const id = /sha256:[a-f0-9]{64}/.exec(loaded)?.[0] ?? 'many';
  t.equal(await engine.ok(['run', '--rm', id, 'sh', '-c', 'cat /lowest /highest; ls /layers | wc -l; stat -c "%u %g" /highest; ls /gone 2>&1; cat /proc/self/uid_map']).then((out) => out.replace(/ +/g, ' ')),
    `lowest\nhighest\n128\n0 0\nls: /gone: No such file or directory\n 0 ${UID} 65536\n`, 'every layer is seen, owned by the container\'s root, and the whiteout hides its file');
  await engine.ok(['rmi', id]);
});

t.test('what only host root may hold needs --userns=host', async (t) => {
  const privileged = await engine.berth(['run', '--rm', '--privileged', 'busybox', 'true']);
  t.equal(privileged.code, 125);
  t.match(privileged.stderr, /privileged mode is incompatible with user namespaces/);
  t.equal((await engine.berth(['run', '--rm', '--privileged', '--userns=host', 'busybox', 'true'])).code, 0);
  const bad = await engine.berth(['run', '--rm', '--userns', 'private', 'busybox', 'true']);
  t.equal(bad.code, 125);
  t.match(bad.stderr, /invalid --userns "private"/);
});

t.test('a remap user without ranges: the daemon refuses to start, with one line', async (t) => {
  const dir = path.join(engine.dir, 'other');
  const result = await runCaptured(process.execPath, [DAEMON, '--bridge', 'none', '--userns-remap', 'nosuchuser'], {
    env: { ...engine.env, BERTH_ROOT: path.join(dir, 'root'), BERTH_RUN_ROOT: path.join(dir, 'run') }, what: 'berthd --userns-remap nosuchuser',
  });
  t.equal(result.code, 1);
  t.match(result.stderr, /no subordinate uid range for nosuchuser in \/etc\/subuid/);
});
