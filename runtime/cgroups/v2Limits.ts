/** Writes the CPU, cpuset, swap, memory.high and io limits into a container's cgroup v2 dir (devices: v2Devices.ts). */
import { join } from 'node:path';

import type { Limits } from './manager.js';
import type { CgroupFiles } from './cgroupFiles.js';
import { UnsupportedError } from '../../events/errors.js';

export const CPU_MAX_PERIOD_US = 100_000;

/** Docker's shares (2..262144) as cgroup v2's cpu.weight (1..10000), as runc converts them. */
export function sharesToWeight(shares: number): number {
  return 1 + Math.floor(((shares - 2) * 9999) / 262142);
}

/** The controller each limit needs enabled in the parents' cgroup.subtree_control. */
export function controllersFor(limits: Limits): string[] {
  const need = new Set<string>();
  if (limits.memoryBytes !== undefined || limits.memorySwapBytes !== undefined || limits.memoryHighBytes !== undefined) need.add('memory');
  if (limits.pidsLimit !== undefined) need.add('pids');
  if (limits.cpus !== undefined || limits.cpuShares !== undefined) need.add('cpu');
  if (limits.cpusetCpus !== undefined) need.add('cpuset');
  if (limits.blkioWeight !== undefined) need.add('io');
  return [...need];
}

/** Applies what `limits` asks beyond memory.max and pids.max (the controllers are enabled by then). */
export async function applyV2Limits(dir: string, limits: Limits, io: CgroupFiles): Promise<void> {
  if (limits.memorySwapBytes !== undefined) {
    if (!(await io.exists(join(dir, 'memory.swap.max')))) {
      throw new UnsupportedError('cgroup v2: this kernel does not account swap (no memory.swap.max); --memory-swap cannot be applied');
    }
    const swap = limits.memorySwapBytes === -1 ? 'max' : String(limits.memorySwapBytes - (limits.memoryBytes ?? 0));
    await io.write(join(dir, 'memory.swap.max'), swap);
  }
  if (limits.memoryHighBytes !== undefined) await io.write(join(dir, 'memory.high'), String(limits.memoryHighBytes));
  if (limits.cpus !== undefined) {
    const quota = Math.max(1000, Math.round(limits.cpus * CPU_MAX_PERIOD_US));
    await io.write(join(dir, 'cpu.max'), `${quota} ${CPU_MAX_PERIOD_US}`);
  }
  if (limits.cpuShares !== undefined) await io.write(join(dir, 'cpu.weight'), String(sharesToWeight(limits.cpuShares)));
  if (limits.cpusetCpus !== undefined) await io.write(join(dir, 'cpuset.cpus'), limits.cpusetCpus);
  if (limits.blkioWeight !== undefined) {
    if (await io.exists(join(dir, 'io.weight'))) await io.write(join(dir, 'io.weight'), `default ${limits.blkioWeight}`);
    else if (await io.exists(join(dir, 'io.bfq.weight'))) await io.write(join(dir, 'io.bfq.weight'), String(limits.blkioWeight));
    else throw new UnsupportedError('cgroup v2: this kernel has no io weight (neither io.weight nor io.bfq.weight); --blkio-weight cannot be applied');
  }
}
