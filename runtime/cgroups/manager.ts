import { readdir, readFile, rmdir, stat } from 'node:fs/promises';
import { constants as osConstants } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { SystemError, ValidationError } from '../../events/errors.js';
import type { DeviceRule } from './deviceRule.js';

/** Resource limits applied when a container's cgroup is created. */
export interface Limits {
  /** hard memory limit in bytes (no extra swap: v1 memsw = limit, v2 swap.max = 0) */
  memoryBytes?: number;
  /** maximum number of tasks */
  pidsLimit?: number;
  /** memory plus swap in bytes (-1: unlimited swap); needs memoryBytes */
  memorySwapBytes?: number;
  /** cgroup v2 only: memory.high, where the kernel starts to throttle and reclaim */
  memoryHighBytes?: number;
  /** CPU time as a number of CPUs (quota over a 100 ms period) */
  cpus?: number;
  /** relative CPU weight, Docker's shares (2..262144; v2 converts to cpu.weight) */
  cpuShares?: number;
  /** allowed CPUs, "0-1" or "0,2" */
  cpusetCpus?: string;
  /** relative block io weight, 10..1000 */
  blkioWeight?: number;
  /** the devices the tasks may use (runtime/security/devices.ts); every other one is refused:
   *  v1 through the devices cgroup, v2 through a BPF device filter attached to the cgroup */
  devices?: readonly DeviceRule[];
}

/** One reading of a cgroup's counters. */
export interface CgroupStats {
  /** bytes in use (v1 usage_in_bytes minus inactive file cache; v2 memory.current minus inactive_file) */
  memoryUsage: number;
  /** the limit, null when unlimited */
  memoryLimit: number | null;
  /** bytes charged, the page cache included (v1 usage_in_bytes, v2 memory.current) */
  memoryCurrent: number;
  /** tasks the kernel's OOM killer killed in this cgroup (v1 memory.oom_control, v2 memory.events oom_kill) */
  oomKills: number;
  /** total CPU time used, in nanoseconds */
  cpuUsageNs: number;
  pids: number;
  pidsLimit: number | null;
  ioReadBytes: number;
  ioWriteBytes: number;
}

export interface CgroupManager {
  readonly mode: 'v1' | 'v2';
  /** Idempotent. Creates the cgroup (every hierarchy on v1), applies limits and returns
   *  the cgroup.procs files the container pid must be written into. */
  create(name: string, limits: Limits): Promise<{ procsFiles: string[] }>;
  /** The cgroup.procs files a process is written into to join the cgroup (exec). */
  procsFiles(name: string): string[];
  /** Freezes every task (v1 freezer.state FROZEN, v2 cgroup.freeze 1); resolves once frozen. */
  freeze(name: string): Promise<void>;
  /** Thaws a frozen cgroup. */
  thaw(name: string): Promise<void>;
  /** Whether the cgroup is frozen (or freezing); false when it does not exist. */
  frozen(name: string): Promise<boolean>;
  /** Reads memory, CPU, pids and io counters. */
  stats(name: string): Promise<CgroupStats>;
  /** The pids in the cgroup (host pid namespace). */
  pids(name: string): Promise<number[]>;
  /** Whether the kernel OOM killer killed a task in this cgroup. */
  oomKilled(name: string): Promise<boolean>;
  /** Idempotent: SIGKILLs every process still in the cgroup (bounded wait), then rmdirs it
   *  in every hierarchy; each hierarchy is tried even when one fails (the first failure is
   *  thrown, a SystemError with the dir and errno). */
  remove(name: string): Promise<void>;
  /** The child cgroups of `parent` (as names like `berth/<id>`) in any hierarchy, each with the
   *  time its dir last changed (its creation, for a leaf), the latest over the hierarchies. */
  children(parent: string): Promise<Array<{ name: string; changedMs: number }>>;
  exists(name: string): Promise<boolean>;
  /** Removes an empty parent cgroup (like "berth") in every hierarchy; one still in use stays. */
  removeIfEmpty(name: string): Promise<void>;
}

/** `name` must be a relative path of plain segments, e.g. `berth/<64-hex id>`. */
export function checkCgroupName(name: string): string {
  const segs = name.split('/');
  if (!name || name.startsWith('/') || segs.some((s) => s === '' || s === '.' || s === '..')) {
    throw new ValidationError(`invalid cgroup name ${JSON.stringify(name)}: want a relative path like berth/<id>`);
  }
  return name;
}

export function checkLimits(limits: Limits): void {
  const { memoryBytes, pidsLimit, memorySwapBytes } = limits;
  if (memorySwapBytes !== undefined) {
    if (memoryBytes === undefined) throw new ValidationError('a swap limit (memorySwapBytes) needs a memory limit (memoryBytes)');
    if (memorySwapBytes !== -1 && memorySwapBytes < memoryBytes) {
      throw new ValidationError(`invalid swap limit ${memorySwapBytes}: it counts memory plus swap, so it must be at least the memory limit ${memoryBytes}`);
    }
  }
  if (limits.cpus !== undefined && !(limits.cpus > 0)) throw new ValidationError(`invalid cpus ${limits.cpus}: want a positive number`);
  if (memoryBytes !== undefined && (!Number.isSafeInteger(memoryBytes) || memoryBytes <= 0)) {
    throw new ValidationError(`invalid memory limit ${memoryBytes}: want a positive integer number of bytes`);
  }
  if (pidsLimit !== undefined && (!Number.isSafeInteger(pidsLimit) || pidsLimit <= 0)) {
    throw new ValidationError(`invalid pids limit ${pidsLimit}: want a positive integer`);
  }
}

// ---- helpers shared by v1.ts and v2.ts ----

/** Reads a file of numbers; "max" is null. A missing cgroup (isGone) is null too. */
export async function readNumber(path: string): Promise<number | null> {
  try {
    const text = (await readFile(path, 'utf8')).trim();
    return text === 'max' ? null : Number(text);
  } catch (e) {
    if (isGone(e)) return null;
    throw e;
  }
}

/** "key value" lines (memory.stat, cpu.stat) into a map. */
export async function readKeyed(path: string): Promise<Map<string, number>> {
  const map = new Map<string, number>();
  try {
    for (const line of (await readFile(path, 'utf8')).split('\n')) {
      const [key, value] = line.trim().split(/\s+/);
      if (key && value !== undefined) map.set(key, Number(value));
    }
  } catch (e) {
    if (!isGone(e)) throw e;
  }
  return map;
}

/** The `oom_kill N` count of memory.oom_control (v1) or memory.events (v2); 0 when absent. */
export async function readOomKills(path: string): Promise<number> {
  return (await readKeyed(path)).get('oom_kill') ?? 0;
}

/** Polls until `done` or throws after timeoutMs (freezing takes a moment). */
export async function waitUntil(what: string, done: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new SystemError(`cgroup: timed out waiting for ${what}`, { op: 'wait', errno: osConstants.errno.ETIMEDOUT });
    await sleep(5);
  }
}

export function isErrno(e: unknown, ...codes: string[]): boolean {
  return typeof e === 'object' && e !== null && codes.includes((e as NodeJS.ErrnoException).code ?? '');
}

/**
 * Whether a cgroup file's read or write failed because the cgroup is gone: ENOENT, or ENODEV
 * when the cgroup was removed between the open and the read (a container's exit and its `rm -f`
 * both remove its cgroup, and the second one's read of cgroup.procs met the first one's rmdir).
 */
export function isGone(e: unknown): boolean {
  return isErrno(e, 'ENOENT', 'ENODEV');
}

export async function readPids(dir: string): Promise<number[]> {
  let text: string;
  try {
    text = await readFile(join(dir, 'cgroup.procs'), 'utf8');
  } catch (e) {
    if (isGone(e)) return [];
    throw e;
  }
  return text.split('\n').filter(Boolean).map(Number);
}

/**
 * Kill every process in the cgroup dir (SIGKILL by pid, re-reading cgroup.procs until it is
 * empty) and rmdir it. Missing dir = nothing to do. EBUSY (a task still exiting: a dying task
 * keeps its cgroup populated until it is reaped, though cgroup.procs no longer lists it) is
 * tried again. Bounded: throws a SystemError (rmdir, the dir, the errno) after timeoutMs.
 */
export async function killAndRmdir(dir: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pids = await readPids(dir);
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch (e) {
        if (!isErrno(e, 'ESRCH')) throw SystemError.from(e, { op: 'kill', path: dir });
      }
    }
    if (pids.length === 0) {
      try {
        await rmdir(dir);
        return;
      } catch (e) {
        if (isErrno(e, 'ENOENT')) return;
        // EBUSY: a task is still exiting; retried below
        if (!isErrno(e, 'EBUSY')) throw SystemError.from(e, { op: 'rmdir', path: dir });
      }
    }
    if (Date.now() > deadline) {
      throw new SystemError(`cgroup ${dir}: still busy after ${timeoutMs} ms (pids: ${pids.join(' ') || 'none'})`, { op: 'rmdir', path: dir, errno: osConstants.errno.EBUSY });
    }
    await sleep(pids.length ? 5 : 10);
  }
}

/** Runs `remove` on every dir, all of them even when some fail; then throws the first failure. */
export async function removeEach(dirs: string[], remove: (dir: string) => Promise<void>): Promise<void> {
  const failures: unknown[] = [];
  for (const dir of dirs) await remove(dir).catch((error: unknown) => { failures.push(error); });
  if (failures.length > 0) throw failures[0];
}

/** The subdirs of `dir` (child cgroups) with their mtimes; none when it does not exist. */
export async function childDirs(dir: string): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return found;
    throw SystemError.from(e, { op: 'readdir', path: dir });
  }
  for (const entry of entries.filter((e) => e.isDirectory())) {
    const changed = await stat(join(dir, entry.name)).then((s) => s.mtimeMs, (e: unknown) => {
      if (isErrno(e, 'ENOENT')) return null; // removed meanwhile
      throw SystemError.from(e, { op: 'stat', path: join(dir, entry.name) });
    });
    if (changed !== null) found.set(entry.name, changed);
  }
  return found;
}

/** rmdir that leaves a cgroup with children or tasks (EBUSY) or none (ENOENT) alone. */
export async function rmdirIfEmpty(dir: string): Promise<void> {
  try {
    await rmdir(dir);
  } catch (e) {
    if (!isErrno(e, 'EBUSY') && !isErrno(e, 'ENOENT') && !isErrno(e, 'ENOTEMPTY')) throw SystemError.from(e, { op: 'rmdir', path: dir });
  }
}
