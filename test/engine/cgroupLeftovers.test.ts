/**
 * Leftover container cgroups, with the real kernel: what a crash or a failed removal leaves (the
 * dirs in some v1 hierarchies, a process still in them) is removed by the next daemon start and
 * after the next container removal; a fresh cgroup no container here owns (another engine's,
 * being set up) is left alone.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { createCgroupManager } from '../../runtime/cgroups/detect.js';
import { alive, cgroupDirsOf, startEngine, until } from '../helpers/engine.js';

const cgroups = createCgroupManager();
const engine = await startEngine(t);

/**
 * Makes the cgroup of `id` as a crash in the middle of its removal leaves it: on v1, only in the
 * hierarchies the old removal did not reach (blkio, devices, cpuset, cpuacct); with a process
 * in it when `occupied`. Returns that process's pid.
 */
async function leaveCgroup(t: { teardown(fn: () => unknown): void }, id: string, occupied: boolean): Promise<number | null> {
  const name = `berth/${id}`;
  await cgroups.create(name, {});
  t.teardown(() => cgroups.remove(name));
  for (const dir of await cgroupDirsOf(id)) {
    if (/\/(memory|pids|cpu|freezer)\/berth\//.test(dir)) await fs.rmdir(dir);
  }
  if (!occupied) return null;
  const child = spawn('sleep', ['1000'], { stdio: 'ignore' });
  t.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); });
  for (const dir of await cgroupDirsOf(id)) await fs.writeFile(path.join(dir, 'cgroup.procs'), String(child.pid));
  return child.pid!;
}

const removedContainer = async () => {
  const id = (await engine.ok(['run', '-d', 'busybox', 'sleep', '1000'])).trim();
  await engine.ok(['rm', '-f', id]);
  return id;
};

t.test('a cgroup left by a crash is removed by the next daemon start, with the process left in it', async (t) => {
  const id = await removedContainer();
  await engine.killDaemon('SIGKILL');
  const pid = await leaveCgroup(t, id, true);
  t.not((await cgroupDirsOf(id)).length, 0, 'the leftover is there before the start');
  await engine.startDaemon();
  t.same(await cgroupDirsOf(id), [], 'no dir of it is left in any hierarchy');
  await until('the process left in it to die', async () => !alive(pid!), 10_000);
  const log = await fs.readFile(path.join(engine.dir, 'berthd.log'), 'utf8');
  t.match(log, new RegExp(`level=info msg="removed a leftover cgroup" cgroup=berth/${id}`), 'the daemon says so in its log');
});

t.test('a leftover is removed after the next container removal, without a restart', async (t) => {
  const id = await removedContainer();
  await leaveCgroup(t, id, false);
  await removedContainer();
  await until('the leftover to go', async () => (await cgroupDirsOf(id)).length === 0, 20_000);
  t.pass('removed');
});

t.test('a fresh cgroup that no container here owns is left alone', async (t) => {
  const stranger = randomBytes(32).toString('hex');
  await leaveCgroup(t, stranger, false);
  await removedContainer();
  await engine.killDaemon('SIGKILL');
  await engine.startDaemon();
  t.not((await cgroupDirsOf(stranger)).length, 0, 'another engine may be setting it up');
});
