/**
 * How a cgroup's control files are read and written while its limits are set: at once, for a
 * cgroup just made, or through libuv's thread pool, for one that already holds processes.
 *
 * A new cgroup's writes are answered by cgroupfs from memory in microseconds, and a start
 * makes about thirty of them one after another (eight dirs on v1, the cpuset copied down,
 * Docker's eleven device rules, each `writeFile` an open, a write and a close): through the
 * pool they took 5–12 ms of every start. A running container's update stays in the pool:
 * lowering memory.limit_in_bytes (or memory.max) makes the kernel reclaim before it answers,
 * which may take long enough to stall the daemon's event loop.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { access, readFile, writeFile } from 'node:fs/promises';

export interface CgroupFiles {
  read(file: string): Promise<string>;
  write(file: string, text: string): Promise<void>;
  exists(file: string): Promise<boolean>;
}

/** For a cgroup made by this call: each call is done before it returns. */
export const AT_ONCE: CgroupFiles = {
  read: async (file) => readFileSync(file, 'utf8'),
  write: async (file, text) => writeFileSync(file, text),
  exists: async (file) => existsSync(file),
};

/** For a cgroup that was already there (an update of a running container's limits). */
export const POOLED: CgroupFiles = {
  read: (file) => readFile(file, 'utf8'),
  write: (file, text) => writeFile(file, text),
  exists: (file) => access(file).then(() => true, () => false),
};
