import { mkdirSync } from 'node:fs';
import { access, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';

import { UnsupportedError } from '../../events/errors.js';
import { checkCgroupName, checkLimits, childDirs, isGone, killAndRmdir, readPids, rmdirIfEmpty, waitUntil, type CgroupManager, type CgroupStats, type Limits, readOomKills } from './manager.js';
import { applyV2Limits, controllersFor } from './v2Limits.js';
import { attachDeviceFilter } from './v2Devices.js';
import { readV2Stats } from './v2Stats.js';
import { AT_ONCE, POOLED, type CgroupFiles } from './cgroupFiles.js';

async function fileExists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}

async function readWords(p: string, io: CgroupFiles): Promise<string[]> {
  try {
    return (await io.read(p)).split(/\s+/).filter(Boolean);
  } catch (e) {
    if (isGone(e)) return [];
    throw e;
  }
}

const LIMIT_CONTROLLER = { memoryBytes: 'memory', pidsLimit: 'pids' } as const;

export class CgroupV2Manager implements CgroupManager {
  readonly mode = 'v2' as const;
  readonly root: string;

  constructor(opts: { root?: string } = {}) {
    this.root = opts.root ?? '/sys/fs/cgroup';
  }

  private dir(name: string): string {
    return join(this.root, checkCgroupName(name));
  }

  /**
   * Enable `controller` in cgroup.subtree_control of every ancestor from the root down to
   * the leaf's parent, as far as it is available there. Returns false if it is not.
   */
  private async enable(leaf: string, controller: string, io: CgroupFiles): Promise<boolean> {
    const chain: string[] = [];
    for (let d = dirname(leaf); ; d = dirname(d)) {
      chain.unshift(d);
      if (d === this.root || relative(this.root, d).startsWith('..') || d === dirname(d)) break;
    }
    for (const d of chain) {
      if (!(await readWords(join(d, 'cgroup.controllers'), io)).includes(controller)) return false;
      if ((await readWords(join(d, 'cgroup.subtree_control'), io)).includes(controller)) continue;
      await io.write(join(d, 'cgroup.subtree_control'), `+${controller}`);
    }
    return true;
  }

  async create(name: string, limits: Limits): Promise<{ procsFiles: string[] }> {
    checkLimits(limits);
    const dir = this.dir(name);
    // A dir made here is empty: its files are written at once (cgroupFiles.ts).
    const io = mkdirSync(dir, { recursive: true }) !== undefined ? AT_ONCE : POOLED;
    for (const key of ['memoryBytes', 'pidsLimit'] as const) {
      if (limits[key] === undefined) continue;
      const controller = LIMIT_CONTROLLER[key];
      const file = key === 'memoryBytes' ? 'memory.max' : 'pids.max';
      if (!(await this.enable(dir, controller, io)) || !(await io.exists(join(dir, file)))) {
        throw new UnsupportedError(
          `cgroup v2: cannot set ${controller} limit (${key}): the ${controller} controller is not available for ${dir}`,
        );
      }
    }
    for (const controller of controllersFor(limits)) {
      if (!(await this.enable(dir, controller, io))) {
        throw new UnsupportedError(`cgroup v2: the ${controller} controller is not available for ${dir}`);
      }
    }
    if (limits.memoryBytes !== undefined) {
      await io.write(join(dir, 'memory.max'), String(limits.memoryBytes));
      // same semantics as v1 memsw == limit: no swap on top
      if (await io.exists(join(dir, 'memory.swap.max'))) await io.write(join(dir, 'memory.swap.max'), '0');
    }
    if (limits.pidsLimit !== undefined) await io.write(join(dir, 'pids.max'), String(limits.pidsLimit));
    await applyV2Limits(dir, limits, io);
    if (limits.devices) await attachDeviceFilter(dir, limits.devices);
    return { procsFiles: [join(dir, 'cgroup.procs')] };
  }

  procsFiles(name: string): string[] {
    return [join(this.dir(name), 'cgroup.procs')];
  }

  async freeze(name: string): Promise<void> {
    const dir = this.dir(name);
    await writeFile(join(dir, 'cgroup.freeze'), '1');
    await waitUntil('cgroup.events frozen 1', async () =>
      (await readFile(join(dir, 'cgroup.events'), 'utf8')).split('\n').includes('frozen 1'));
  }

  async thaw(name: string): Promise<void> {
    await writeFile(join(this.dir(name), 'cgroup.freeze'), '0');
  }

  async frozen(name: string): Promise<boolean> {
    return (await readFile(join(this.dir(name), 'cgroup.freeze'), 'utf8').catch(() => '0')).trim() === '1';
  }

  stats(name: string): Promise<CgroupStats> {
    return readV2Stats(this.dir(name));
  }

  pids(name: string): Promise<number[]> {
    return readPids(this.dir(name));
  }

  async oomKilled(name: string): Promise<boolean> {
    return (await readOomKills(join(this.dir(name), 'memory.events'))) > 0;
  }


  async remove(name: string): Promise<void> {
    const dir = this.dir(name);
    // a frozen cgroup's tasks cannot die: thaw first
    if (await fileExists(join(dir, 'cgroup.freeze'))) {
      try {
        await writeFile(join(dir, 'cgroup.freeze'), '0');
      } catch (e) {
        if (!isGone(e)) throw e;
      }
    }
    await killAndRmdir(dir);
  }

  async children(parent: string): Promise<Array<{ name: string; changedMs: number }>> {
    return [...await childDirs(this.dir(parent))].map(([child, changedMs]) => ({ name: `${parent}/${child}`, changedMs }));
  }

  async exists(name: string): Promise<boolean> {
    return fileExists(this.dir(name));
  }

  async removeIfEmpty(name: string): Promise<void> {
    await rmdirIfEmpty(this.dir(name));
  }
}
