/**
 * The cgroup interface beyond memory and pids: freeze/thaw on this machine's cgroup2 mount,
 * and the limit writers of both versions against temp dirs laid out like cgroupfs.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';

import { CgroupV2Manager } from '../../runtime/cgroups/v2.js';
import { applyV1Limits } from '../../runtime/cgroups/v1Limits.js';
import { applyV2Limits, sharesToWeight } from '../../runtime/cgroups/v2Limits.js';
import { sumBlkio } from '../../runtime/cgroups/v1Stats.js';
import { sumIoStat } from '../../runtime/cgroups/v2Stats.js';
import { deviceRules } from '../../runtime/security/devices.js';
import { AT_ONCE, POOLED } from '../../runtime/cgroups/cgroupFiles.js';
import { cgroupV2Mount, requires, requiresCgroupV2, requiresRoot } from '../helpers/gates.js';

async function fakeDir(t: { teardown(fn: () => unknown): void }, files: string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-cgroupfs-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  for (const f of files) await writeFile(join(dir, f), '');
  return dir;
}
const read = (dir: string, f: string) => readFile(join(dir, f), 'utf8');

// A new cgroup's files are written at once, an update's through the thread pool (cgroupFiles.ts): both write the same.
for (const [how, io] of [['at once', AT_ONCE], ['through the pool', POOLED]] as const) {
  t.test(`v2 writers (${how}): cpu.max, cpu.weight, cpuset, swap, memory.high, io.weight`, async (t) => {
    const dir = await fakeDir(t, ['cpu.max', 'cpu.weight', 'cpuset.cpus', 'memory.swap.max', 'memory.high', 'io.weight']);
    await applyV2Limits(dir, { memoryBytes: 32 << 20, memorySwapBytes: 96 << 20, memoryHighBytes: 16 << 20, cpus: 1.5, cpuShares: 1024, cpusetCpus: '0-1', blkioWeight: 300 }, io);
    t.equal(await read(dir, 'cpu.max'), '150000 100000');
    t.equal(await read(dir, 'cpu.weight'), '39', 'shares 1024 -> weight 39, as runc converts');
    t.equal(await read(dir, 'cpuset.cpus'), '0-1');
    t.equal(await read(dir, 'memory.swap.max'), String(64 << 20), 'swap.max is swap alone: memory-swap minus memory');
    t.equal(await read(dir, 'memory.high'), String(16 << 20));
    t.equal(await read(dir, 'io.weight'), 'default 300');
    await applyV2Limits(dir, { memoryBytes: 1 << 20, memorySwapBytes: -1 }, io);
    t.equal(await read(dir, 'memory.swap.max'), 'max', '-1: unlimited swap');
    t.equal(sharesToWeight(2), 1);
    t.equal(sharesToWeight(262144), 10000);
    const bare = await fakeDir(t, []);
    await t.rejects(applyV2Limits(bare, { blkioWeight: 300 }, io), /no io weight/);
    await t.rejects(applyV2Limits(bare, { memoryBytes: 1, memorySwapBytes: 2 }, io), /does not account swap/);
  });

  t.test(`v1 writers (${how}): cfs quota, shares, cpuset, blkio, devices; memory.high has no v1 counterpart`, async (t) => {
    const cpu = await fakeDir(t, ['cpu.cfs_period_us', 'cpu.cfs_quota_us', 'cpu.shares']);
    const cpuset = await fakeDir(t, ['cpuset.cpus']);
    const blkio = await fakeDir(t, ['blkio.bfq.weight']);
    const devices = await fakeDir(t, ['devices.deny', 'devices.allow']);
    const dirOf = new Map([['cpu', cpu], ['cpuset', cpuset], ['blkio', blkio], ['devices', devices]]);
    await applyV1Limits(dirOf, { cpus: 0.25, cpuShares: 512, cpusetCpus: '1', blkioWeight: 500, devices: [{ type: 'c', major: 1, minor: 3, access: 'rwm' }] }, io);
    t.equal(await read(cpu, 'cpu.cfs_quota_us'), '25000');
    t.equal(await read(cpu, 'cpu.cfs_period_us'), '100000');
    t.equal(await read(cpu, 'cpu.shares'), '512');
    t.equal(await read(cpuset, 'cpuset.cpus'), '1');
    t.equal(await read(blkio, 'blkio.bfq.weight'), '500', 'bfq weight when blkio.weight is absent');
    t.equal(await read(devices, 'devices.deny'), 'a *:* rwm', 'every device denied first');
    t.equal(await read(devices, 'devices.allow'), 'c 1:3 rwm', 'then the rules allowed');
    const everything = await fakeDir(t, ['devices.deny', 'devices.allow']);
    await applyV1Limits(new Map([['devices', everything]]), { devices: deviceRules({ privileged: true }) }, io);
    t.equal(await read(everything, 'devices.deny'), '', 'privileged: nothing denied');
    t.equal(await read(everything, 'devices.allow'), 'a *:* rwm', 'privileged: every device allowed');
    await t.rejects(applyV1Limits(dirOf, { memoryHighBytes: 1 << 20 }, io), /cgroup v1 has no counterpart of memory.high/);
    await t.rejects(applyV1Limits(new Map([['blkio', await fakeDir(t, [])]]), { blkioWeight: 10 }, io), /no io weight/);
    await t.rejects(applyV1Limits(new Map(), { cpus: 1 }, io), /cpu hierarchy is not mounted/);
  });
}

t.test('io counters', async (t) => {
  t.same(sumBlkio('8:0 Read 4096\n8:0 Write 512\n8:0 Sync 1\n8:16 Read 4\nTotal 4612\n'), { read: 4100, write: 512 });
  t.same(sumIoStat('8:0 rbytes=100 wbytes=20 rios=1 wios=1\n8:16 rbytes=1 wbytes=2\n'), { read: 101, write: 22 });
});

t.test('v2 freeze and thaw on this machine\'s cgroup2 mount', requires(requiresRoot(), requiresCgroupV2()), async (t) => {
  const root = cgroupV2Mount();
  const manager = new CgroupV2Manager({ root });
  const name = `berth-test-${process.pid}/freeze`;
  t.teardown(async () => {
    await manager.remove(name).catch(() => {});
    await manager.removeIfEmpty(`berth-test-${process.pid}`);
  });
  const { procsFiles } = await manager.create(name, {});
  const child = spawn('sleep', ['1000'], { stdio: 'ignore' });
  t.teardown(() => { try { child.kill('SIGKILL'); } catch { /* gone */ } });
  await writeFile(procsFiles[0], String(child.pid));
  t.same(await manager.pids(name), [child.pid], 'the process is in the cgroup');
  t.same(manager.procsFiles(name), procsFiles);
  await manager.freeze(name);
  t.match(await readFile(join(root, name, 'cgroup.events'), 'utf8'), /frozen 1/, 'frozen');
  const state = async () => /^State:\s+(\S)/m.exec(await readFile(`/proc/${child.pid}/status`, 'utf8'))?.[1];
  t.not(await state(), 'R', 'the task is not running');
  await manager.thaw(name);
  t.match(await readFile(join(root, name, 'cgroup.events'), 'utf8'), /frozen 0/, 'thawed');
  const stats = await manager.stats(name);
  t.equal(typeof stats.cpuUsageNs, 'number', 'stats read what the mount has');
  await mkdir(join(root, name), { recursive: true });
  await manager.remove(name);
  t.notOk(existsSync(join(root, name)), 'removed, its process killed');
});
