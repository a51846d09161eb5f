import { readFile, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Resource limits applied when a container's cgroup is created. */
export interface Limits {
  /** hard memory limit in bytes (no extra swap: v1 memsw = limit, v2 swap.max = 0) */
  memoryBytes?: number;
  /** maximum number of tasks */
  pidsLimit?: number;
}

export interface CgroupManager {
  readonly mode: 'v1' | 'v2';
  /** Idempotent. Creates the cgroup (every hierarchy on v1), applies limits and returns
   *  the cgroup.procs files the container pid must be written into. */
  create(name: string, limits: Limits): Promise<{ procsFiles: string[] }>;
  /** Whether the kernel OOM killer killed a task in this cgroup. */
  oomKilled(name: string): Promise<boolean>;
  /** Idempotent: SIGKILLs every process still in the cgroup (bounded wait), then rmdirs it
   *  in every hierarchy. */
  remove(name: string): Promise<void>;
  exists(name: string): Promise<boolean>;
  /** Removes an empty parent cgroup (like "berth") in every hierarchy; one still in use stays. */
  removeIfEmpty(name: string): Promise<void>;
}

/** `name` must be a relative path of plain segments, e.g. `berth/<64-hex id>`. */
export function checkCgroupName(name: string): string {
  const segs = name.split('/');
  if (!name || name.startsWith('/') || segs.some((s) => s === '' || s === '.' || s === '..')) {
    throw new Error(`invalid cgroup name ${JSON.stringify(name)}: want a relative path like berth/<id>`);
  }
  return name;
}

export function checkLimits(limits: Limits): void {
  const { memoryBytes, pidsLimit } = limits;
  if (memoryBytes !== undefined && (!Number.isSafeInteger(memoryBytes) || memoryBytes <= 0)) {
    throw new Error(`invalid memory limit ${memoryBytes}: want a positive integer number of bytes`);
  }
  if (pidsLimit !== undefined && (!Number.isSafeInteger(pidsLimit) || pidsLimit <= 0)) {
    throw new Error(`invalid pids limit ${pidsLimit}: want a positive integer`);
  }
}

// ---- helpers shared by v1.ts and v2.ts ----

export function isErrno(e: unknown, ...codes: string[]): boolean {
  return typeof e === 'object' && e !== null && codes.includes((e as NodeJS.ErrnoException).code ?? '');
}

export async function readPids(dir: string): Promise<number[]> {
  let text: string;
  try {
    text = await readFile(join(dir, 'cgroup.procs'), 'utf8');
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return [];
    throw e;
  }
  return text.split('\n').filter(Boolean).map(Number);
}

/**
 * Kill every process in the cgroup dir (SIGKILL by pid, re-reading cgroup.procs until it is
 * empty) and rmdir it. Missing dir = nothing to do. Bounded: throws after timeoutMs.
 */
export async function killAndRmdir(dir: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pids = await readPids(dir);
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch (e) {
        if (!isErrno(e, 'ESRCH')) throw e;
      }
    }
    if (pids.length === 0) {
      try {
        await rmdir(dir);
        return;
      } catch (e) {
        if (isErrno(e, 'ENOENT')) return;
        // EBUSY: a task is still exiting; retried below
        if (!isErrno(e, 'EBUSY')) throw e;
      }
    }
    if (Date.now() > deadline) {
      throw new Error(`cgroup ${dir}: still busy after ${timeoutMs} ms (pids: ${pids.join(' ') || 'none'})`);
    }
    await sleep(pids.length ? 5 : 10);
  }
}

/** rmdir that leaves a cgroup with children or tasks (EBUSY) or none (ENOENT) alone. */
export async function rmdirIfEmpty(dir: string): Promise<void> {
  try {
    await rmdir(dir);
  } catch (e) {
    if (!isErrno(e, 'EBUSY') && !isErrno(e, 'ENOENT') && !isErrno(e, 'ENOTEMPTY')) throw e;
  }
}
