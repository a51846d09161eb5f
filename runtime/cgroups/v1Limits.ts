/** Writes the CPU, cpuset, swap, io and device limits into a container's cgroup v1 dirs. */
import { dirname, join } from 'node:path';

import { ALL_DEVICES, allowsEverything, formatDeviceRule } from './deviceRule.js';
import type { Limits } from './manager.js';
import type { CgroupFiles } from './cgroupFiles.js';
import { UnsupportedError } from '../../events/errors.js';

export const CFS_PERIOD_US = 100_000;

function need(dir: string | undefined, controller: string, what: string): string {
  if (!dir) throw new UnsupportedError(`cgroup v1: cannot set ${what}: the ${controller} hierarchy is not mounted`);
  return dir;
}

/**
 * A new cpuset cgroup starts with no CPUs and no memory nodes, and no task may join it until
 * it has some: copy them down from the nearest ancestor that has them, from `top` to `dir`.
 */
export async function inheritCpuset(mount: string, dir: string, io: CgroupFiles): Promise<void> {
  const chain: string[] = [];
  for (let d = dir; d.startsWith(mount) && d !== mount; d = dirname(d)) chain.unshift(d);
  for (const d of chain) {
    for (const file of ['cpuset.cpus', 'cpuset.mems']) {
      const current = (await io.read(join(d, file))).trim();
      if (current) continue;
      await io.write(join(d, file), (await io.read(join(dirname(d), file))).trim());
    }
  }
}

/** Applies what `limits` asks beyond memory and pids; `dirOf` maps a controller to the container's dir. */
export async function applyV1Limits(dirOf: ReadonlyMap<string, string>, limits: Limits, io: CgroupFiles): Promise<void> {
  if (limits.memoryHighBytes !== undefined) {
    throw new UnsupportedError('cgroup v1 has no counterpart of memory.high (--memory-high); it needs cgroup v2');
  }
  if (limits.cpus !== undefined) {
    const dir = need(dirOf.get('cpu'), 'cpu', 'a CPU quota (--cpus)');
    await io.write(join(dir, 'cpu.cfs_period_us'), String(CFS_PERIOD_US));
    await io.write(join(dir, 'cpu.cfs_quota_us'), String(Math.max(1000, Math.round(limits.cpus * CFS_PERIOD_US))));
  }
  if (limits.cpuShares !== undefined) {
    await io.write(join(need(dirOf.get('cpu'), 'cpu', 'CPU shares (--cpu-shares)'), 'cpu.shares'), String(limits.cpuShares));
  }
  if (limits.cpusetCpus !== undefined) {
    await io.write(join(need(dirOf.get('cpuset'), 'cpuset', 'CPUs (--cpuset-cpus)'), 'cpuset.cpus'), limits.cpusetCpus);
  }
  if (limits.blkioWeight !== undefined) {
    const dir = need(dirOf.get('blkio'), 'blkio', 'an io weight (--blkio-weight)');
    const file = (await io.exists(join(dir, 'blkio.weight'))) ? 'blkio.weight'
      : (await io.exists(join(dir, 'blkio.bfq.weight'))) ? 'blkio.bfq.weight' : null;
    if (!file) throw new UnsupportedError('cgroup v1: this kernel has no io weight (neither blkio.weight nor blkio.bfq.weight); --blkio-weight cannot be applied');
    await io.write(join(dir, file), String(limits.blkioWeight));
  }
  if (limits.devices) {
    const dir = need(dirOf.get('devices'), 'devices', 'device access');
    // "a" in devices.allow alone lets everything through; otherwise deny all, then allow each
    if (allowsEverything(limits.devices)) await io.write(join(dir, 'devices.allow'), formatDeviceRule(ALL_DEVICES));
    else {
      await io.write(join(dir, 'devices.deny'), formatDeviceRule(ALL_DEVICES));
      for (const rule of limits.devices) await io.write(join(dir, 'devices.allow'), formatDeviceRule(rule));
    }
  }
}
