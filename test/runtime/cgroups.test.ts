import { spawn, execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';

import { CgroupV1Manager, CgroupV2Manager, createCgroupManager, detectCgroupMode } from '../../runtime/cgroups/detect.js';
import { makeBusyboxRootfs, makeBusyboxTar } from '../helpers/busybox.js';
import { cgroupV2Mount, requires, requiresBusybox, requiresCgroupV1, requiresCgroupV2, requiresRoot } from '../helpers/gates.js';

const UNIFIED = cgroupV2Mount();

async function tempDir(t: { teardown(fn: () => unknown): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-cgroup-test-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** a detached `sleep` we can place into cgroups; killed in teardown */
function sleeper(t: { teardown(fn: () => unknown): void }): number {
  const child = spawn('/bin/busybox', ['sleep', '1000'], { stdio: 'ignore' });
  t.teardown(() => {
    child.kill('SIGKILL');
  });
  if (!child.pid) throw new Error('spawn failed');
  return child.pid;
}

async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    try {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2)[0] === 'Z') return true;
    } catch {
      return true;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return false;
}

t.test('detection', requiresCgroupV2(), async (t) => {
  t.equal(detectCgroupMode(UNIFIED), 'v2');
  t.equal(createCgroupManager({ root: UNIFIED }).mode, 'v2');
  const host = createCgroupManager();
  t.equal(host.mode, existsSync('/sys/fs/cgroup/cgroup.controllers') ? 'v2' : 'v1');
});

t.test('invalid names and limits are rejected', async (t) => {
  const m = createCgroupManager();
  await t.rejects(m.create('/abs', {}), /invalid cgroup name/);
  await t.rejects(m.create('berth/../x', {}), /invalid cgroup name/);
  await t.rejects(m.remove(''), /invalid cgroup name/);
  await t.rejects(m.create('berth-test/x', { memoryBytes: -1 }), /invalid memory limit/);
  await t.rejects(m.create('berth-test/x', { pidsLimit: 1.5 }), /invalid pids limit/);
});

t.test('v1 on the host: create, limits, place a pid, remove', requires(requiresRoot(), requiresCgroupV1()), async (t) => {
  const m = new CgroupV1Manager();
  const parent = `berth-test-${process.pid}`;
  const name = `${parent}/${randomBytes(32).toString('hex')}`;
  t.teardown(async () => {
    await m.remove(name);
    await m.remove(parent);
  });
  t.notOk(await m.exists(name));
  const { procsFiles } = await m.create(name, { memoryBytes: 32 * 1024 * 1024, pidsLimit: 10 });
  t.same(
    procsFiles,
    [...m.hierarchies.keys()].map((c) => join('/sys/fs/cgroup', c, name, 'cgroup.procs')),
  );
  t.ok(procsFiles.length >= 2, 'memory + pids at least');
  const mem = join('/sys/fs/cgroup/memory', name);
  t.equal((await readFile(join(mem, 'memory.limit_in_bytes'), 'utf8')).trim(), String(32 * 1024 * 1024));
  if (existsSync(join(mem, 'memory.memsw.limit_in_bytes'))) {
    t.equal((await readFile(join(mem, 'memory.memsw.limit_in_bytes'), 'utf8')).trim(), String(32 * 1024 * 1024), 'memsw = limit');
  }
  t.equal((await readFile(join('/sys/fs/cgroup/pids', name, 'pids.max'), 'utf8')).trim(), '10');
  // idempotent, and raising the limit above the current memsw works
  await m.create(name, { memoryBytes: 64 * 1024 * 1024 });
  t.equal((await readFile(join(mem, 'memory.limit_in_bytes'), 'utf8')).trim(), String(64 * 1024 * 1024));
  await m.create(name, { memoryBytes: 16 * 1024 * 1024 });
  t.equal((await readFile(join(mem, 'memory.limit_in_bytes'), 'utf8')).trim(), String(16 * 1024 * 1024), 'lowering works too');
  t.ok(await m.exists(name));
  t.equal(await m.oomKilled(name), false);

  const pid = sleeper(t);
  for (const f of procsFiles) await writeFile(f, String(pid));
  t.match(await readFile(procsFiles[0], 'utf8'), new RegExp(`^${pid}$`, 'm'));
  // frozen tasks are thawed before being killed
  const freezer = join('/sys/fs/cgroup/freezer', name, 'freezer.state');
  if (existsSync(freezer)) await writeFile(freezer, 'FROZEN');
  await m.remove(name);
  t.ok(await gone(pid), 'process killed');
  t.notOk(await m.exists(name));
  for (const f of procsFiles) t.notOk(existsSync(join(f, '..')), `${f} dir removed`);
  await m.remove(name);
  t.pass('remove is idempotent');
  t.equal(await m.oomKilled(name), false, 'oomKilled of a missing cgroup is false');
});

t.test('v1 against a fake cgroupfs: memsw only when present, oom_control parsing', async (t) => {
  const root = await tempDir(t);
  for (const c of ['memory', 'pids']) {
    await mkdir(join(root, c), { recursive: true });
    await writeFile(join(root, c, 'cgroup.procs'), '');
  }
  const m = new CgroupV1Manager({ root });
  t.same([...m.hierarchies.keys()], ['memory', 'pids'], 'only mounted hierarchies');
  const name = 'berth/abc';
  await mkdir(join(root, 'memory', name), { recursive: true });
  await writeFile(join(root, 'memory', name, 'memory.memsw.limit_in_bytes'), '');
  const { procsFiles } = await m.create(name, { memoryBytes: 1000, pidsLimit: 7 });
  t.same(procsFiles, [join(root, 'memory', name, 'cgroup.procs'), join(root, 'pids', name, 'cgroup.procs')]);
  t.equal(await readFile(join(root, 'memory', name, 'memory.limit_in_bytes'), 'utf8'), '1000');
  t.equal(await readFile(join(root, 'memory', name, 'memory.memsw.limit_in_bytes'), 'utf8'), '1000');
  t.equal(await readFile(join(root, 'pids', name, 'pids.max'), 'utf8'), '7');

  const name2 = 'berth/nomemsw';
  await m.create(name2, { memoryBytes: 2000 });
  t.notOk(existsSync(join(root, 'memory', name2, 'memory.memsw.limit_in_bytes')), 'memsw not created');

  const oc = join(root, 'memory', name, 'memory.oom_control');
  await writeFile(oc, 'oom_kill_disable 0\nunder_oom 0\noom_kill 0\n');
  t.equal(await m.oomKilled(name), false);
  await writeFile(oc, 'oom_kill_disable 0\nunder_oom 0\noom_kill 2\n');
  t.equal(await m.oomKilled(name), true);
  await t.rejects(new CgroupV1Manager({ root: join(root, 'nothing') }).create(name, {}), /no hierarchy/);
});

t.test('v2 on the cgroup2 mount (no controllers): create, place a pid, remove', requires(requiresRoot(), requiresCgroupV2()), async (t) => {
  const m = new CgroupV2Manager({ root: UNIFIED });
  const parent = `berth-test-${process.pid}`;
  const name = `${parent}/${randomBytes(32).toString('hex')}`;
  t.teardown(async () => {
    await m.remove(name);
    await rmdir(join(UNIFIED, parent)).catch(() => undefined);
  });
  const { procsFiles } = await m.create(name, {});
  t.same(procsFiles, [join(UNIFIED, name, 'cgroup.procs')]);
  t.ok(await m.exists(name));
  await m.create(name, {});
  t.pass('create is idempotent');
  const controllers = (await readFile(join(UNIFIED, 'cgroup.controllers'), 'utf8')).split(/\s+/);
  if (!controllers.includes('memory')) {
    await t.rejects(m.create(name, { memoryBytes: 1 << 24 }), /cannot set memory limit \(memoryBytes\)/);
  }
  if (!controllers.includes('pids')) {
    await t.rejects(m.create(name, { pidsLimit: 5 }), /cannot set pids limit \(pidsLimit\)/);
  }
  const pid = sleeper(t);
  await writeFile(procsFiles[0], String(pid));
  t.same((await readFile(procsFiles[0], 'utf8')).trim().split('\n'), [String(pid)], 'pid placed');
  t.equal(await m.oomKilled(name), false);
  await m.remove(name);
  t.ok(await gone(pid), 'process killed');
  t.notOk(await m.exists(name), 'cgroup dir removed');
  await m.remove(name);
  t.pass('remove is idempotent');
});

t.test('v2 limit writes against a fake cgroupfs', async (t) => {
  const root = await tempDir(t);
  const name = 'berth/0123';
  const leaf = join(root, name);
  await mkdir(leaf, { recursive: true });
  await writeFile(join(root, 'cgroup.controllers'), 'cpuset cpu io memory hugetlb pids rdma misc\n');
  await writeFile(join(root, 'cgroup.subtree_control'), '');
  await writeFile(join(root, 'berth', 'cgroup.controllers'), 'memory pids\n');
  await writeFile(join(root, 'berth', 'cgroup.subtree_control'), 'memory pids\n');
  for (const f of ['memory.max', 'memory.swap.max', 'pids.max', 'cgroup.procs']) await writeFile(join(leaf, f), '');

  t.equal(detectCgroupMode(root), 'v2');
  const m = createCgroupManager({ root });
  t.equal(m.mode, 'v2');
  const { procsFiles } = await m.create(name, { memoryBytes: 16 * 1024 * 1024, pidsLimit: 42 });
  t.same(procsFiles, [join(leaf, 'cgroup.procs')]);
  t.equal(await readFile(join(leaf, 'memory.max'), 'utf8'), String(16 * 1024 * 1024));
  t.equal(await readFile(join(leaf, 'memory.swap.max'), 'utf8'), '0', 'no swap on top of the limit');
  t.equal(await readFile(join(leaf, 'pids.max'), 'utf8'), '42');
  t.match(await readFile(join(root, 'cgroup.subtree_control'), 'utf8'), /^\+(memory|pids)$/, 'controller enabled at the root');
  t.equal(await readFile(join(root, 'berth', 'cgroup.subtree_control'), 'utf8'), 'memory pids\n', 'already enabled: untouched');

  // controller missing in the parent: a clear error naming the limit
  await writeFile(join(root, 'berth', 'cgroup.controllers'), 'pids\n');
  await t.rejects(m.create(name, { memoryBytes: 1 }), /cgroup v2: cannot set memory limit \(memoryBytes\)/);
  await m.create(name, { pidsLimit: 9 });
  t.equal(await readFile(join(leaf, 'pids.max'), 'utf8'), '9');

  await writeFile(join(leaf, 'memory.events'), 'low 0\nhigh 0\nmax 3\noom 1\noom_kill 0\n');
  t.equal(await m.oomKilled(name), false);
  await writeFile(join(leaf, 'memory.events'), 'low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\noom_group_kill 0\n');
  t.equal(await m.oomKilled(name), true);
});

t.test('busybox helpers', requiresBusybox(), async (t) => {
  const dir = await tempDir(t);
  await makeBusyboxRootfs(join(dir, 'rootfs'));
  const r = join(dir, 'rootfs');
  t.ok(existsSync(join(r, 'bin', 'busybox')));
  t.ok(existsSync(join(r, 'bin', 'sh')) && existsSync(join(r, 'bin', 'echo')), 'applet links');
  t.match(await readFile(join(r, 'etc', 'passwd'), 'utf8'), /^root:x:0:0:.*\nnobody:x:65534:/);
  for (const d of ['proc', 'sys', 'dev', 'root', 'tmp']) t.ok(existsSync(join(r, d)), `/${d}`);
  const { stat } = await import('node:fs/promises');
  t.equal((await stat(join(r, 'tmp'))).mode & 0o7777, 0o1777, '/tmp is 1777');
  await makeBusyboxTar(join(dir, 'img.tar'));
  const { stdout } = await promisify(execFile)('tar', ['-tvf', join(dir, 'img.tar')]);
  t.match(stdout, /root\/root|0\/0/);
  t.match(stdout, /\.\/bin\/busybox\n/);
  t.match(stdout, /\.\/bin\/sh -> busybox/);
  t.match(stdout, /\.\/etc\/passwd\n/);
});
