import { access, readFile, writeFile } from 'node:fs/promises';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { UnsupportedError } from '../../events/errors.js';
import { checkCgroupName, checkLimits, childDirs, isErrno, isGone, killAndRmdir, readPids, removeEach, rmdirIfEmpty, waitUntil, type CgroupManager, type CgroupStats, type Limits, readOomKills } from './manager.js';
import { applyV1Limits, inheritCpuset } from './v1Limits.js';
import { AT_ONCE, POOLED, type CgroupFiles } from './cgroupFiles.js';
import { readV1Stats } from './v1Stats.js';

/** Hierarchies berth uses on cgroup v1 (only the mounted ones). */
export const V1_CONTROLLERS = ['memory', 'pids', 'cpu', 'cpuacct', 'cpuset', 'blkio', 'devices', 'freezer'] as const;
export type V1Controller = (typeof V1_CONTROLLERS)[number];

async function fileExists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}

export class CgroupV1Manager implements CgroupManager {
  readonly mode = 'v1' as const;
  readonly root: string;
  /** mounted hierarchies, controller -> mount point */
  readonly hierarchies: ReadonlyMap<V1Controller, string>;

  constructor(opts: { root?: string } = {}) {
    this.root = opts.root ?? '/sys/fs/cgroup';
    const h = new Map<V1Controller, string>();
    for (const c of V1_CONTROLLERS) {
      const mnt = join(this.root, c);
      if (existsSync(join(mnt, 'cgroup.procs'))) h.set(c, mnt);
    }
    this.hierarchies = h;
  }

  private dirs(name: string): Array<[V1Controller, string]> {
    checkCgroupName(name);
    return [...this.hierarchies].map(([c, mnt]) => [c, join(mnt, name)]);
  }

  async create(name: string, limits: Limits): Promise<{ procsFiles: string[] }> {
    checkLimits(limits);
    const dirs = this.dirs(name);
    if (dirs.length === 0) throw new UnsupportedError(`cgroup v1: no hierarchy of ${V1_CONTROLLERS.join(', ')} is mounted under ${this.root}`);
    // A dir made here is empty: its files are written at once (cgroupFiles.ts).
    let made = false;
    for (const [, dir] of dirs) made = mkdirSync(dir, { recursive: true }) !== undefined || made;
    const io = made ? AT_ONCE : POOLED;
    const dirOf = new Map(dirs);
    const cpuset = dirOf.get('cpuset');
    if (cpuset) await inheritCpuset(this.hierarchies.get('cpuset')!, cpuset, io);

    if (limits.memoryBytes !== undefined) {
      const dir = dirOf.get('memory');
      if (!dir) throw new UnsupportedError(`cgroup v1: cannot set memory limit (memoryBytes): memory hierarchy not mounted under ${this.root}`);
      await this.setMemory(dir, limits.memoryBytes, limits.memorySwapBytes, io);
    }
    if (limits.pidsLimit !== undefined) {
      const dir = dirOf.get('pids');
      if (!dir) throw new UnsupportedError(`cgroup v1: cannot set pids limit (pidsLimit): pids hierarchy not mounted under ${this.root}`);
      await io.write(join(dir, 'pids.max'), String(limits.pidsLimit));
    }
    await applyV1Limits(dirOf, limits, io);
    return { procsFiles: dirs.map(([, d]) => join(d, 'cgroup.procs')) };
  }

  /** limit_in_bytes first, then memsw (must stay >= limit); reversed when raising an existing limit. */
  private async setMemory(dir: string, bytes: number, swapBytes: number | undefined, io: CgroupFiles): Promise<void> {
    const limit = join(dir, 'memory.limit_in_bytes');
    const memsw = join(dir, 'memory.memsw.limit_in_bytes');
    const hasMemsw = await io.exists(memsw);
    if (swapBytes !== undefined && !hasMemsw) {
      throw new UnsupportedError('cgroup v1: this kernel does not account swap (no memory.memsw.limit_in_bytes); --memory-swap cannot be applied');
    }
    const total = String(swapBytes ?? bytes);
    try {
      await io.write(limit, String(bytes));
    } catch (e) {
      if (!hasMemsw || !isErrno(e, 'EINVAL')) throw e;
      await io.write(memsw, total);
      await io.write(limit, String(bytes));
      return;
    }
    if (hasMemsw) await io.write(memsw, total);
  }

  procsFiles(name: string): string[] {
    return this.dirs(name).map(([, dir]) => join(dir, 'cgroup.procs'));
  }

  async freeze(name: string): Promise<void> {
    const file = join(this.need(name, 'freezer'), 'freezer.state');
    await writeFile(file, 'FROZEN');
    await waitUntil('the freezer', async () => {
      const state = (await readFile(file, 'utf8')).trim();
      if (state === 'FREEZING') await writeFile(file, 'FROZEN');
      return state === 'FROZEN';
    });
  }

  async thaw(name: string): Promise<void> {
    await writeFile(join(this.need(name, 'freezer'), 'freezer.state'), 'THAWED');
  }

  async frozen(name: string): Promise<boolean> {
    const state = await readFile(join(this.need(name, 'freezer'), 'freezer.state'), 'utf8').catch(() => 'THAWED');
    return state.trim() !== 'THAWED';
  }

  stats(name: string): Promise<CgroupStats> {
    return readV1Stats(new Map(this.dirs(name)));
  }

  pids(name: string): Promise<number[]> {
    return readPids(this.need(name, 'pids'));
  }

  private need(name: string, controller: V1Controller): string {
    const dir = this.dirs(name).find(([c]) => c === controller)?.[1];
    if (!dir) throw new UnsupportedError(`cgroup v1: the ${controller} hierarchy is not mounted under ${this.root}`);
    return dir;
  }

  async oomKilled(name: string): Promise<boolean> {
    const dir = this.dirs(name).find(([c]) => c === 'memory')?.[1];
    return dir !== undefined && (await readOomKills(join(dir, 'memory.oom_control'))) > 0;
  }


  async remove(name: string): Promise<void> {
    const dirs = this.dirs(name);
    // a frozen task cannot die: thaw first
    const freezer = dirs.find(([c]) => c === 'freezer')?.[1];
    if (freezer) {
      try {
        await writeFile(join(freezer, 'freezer.state'), 'THAWED');
      } catch (e) {
        if (!isGone(e)) throw e;
      }
    }
    // Every hierarchy is tried, even after one failed: a removal that stopped at the first
    // failure left the rest behind.
    await removeEach(dirs.map(([, dir]) => dir), (dir) => killAndRmdir(dir));
  }

  async children(parent: string): Promise<Array<{ name: string; changedMs: number }>> {
    const found = new Map<string, number>();
    for (const [, dir] of this.dirs(parent)) {
      for (const [child, changedMs] of await childDirs(dir)) found.set(child, Math.max(changedMs, found.get(child) ?? 0));
    }
    return [...found].map(([child, changedMs]) => ({ name: `${parent}/${child}`, changedMs }));
  }

  async exists(name: string): Promise<boolean> {
    for (const [, dir] of this.dirs(name)) if (await fileExists(dir)) return true;
    return false;
  }

  async removeIfEmpty(name: string): Promise<void> {
    for (const [, dir] of this.dirs(name)) await rmdirIfEmpty(dir);
  }
}
