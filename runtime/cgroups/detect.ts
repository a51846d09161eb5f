import { existsSync } from 'node:fs';
import { join } from 'node:path';

import type { CgroupManager } from './manager.js';
import { CgroupV1Manager } from './v1.js';
import { CgroupV2Manager } from './v2.js';

export type { CgroupManager, Limits } from './manager.js';
export { CgroupV1Manager } from './v1.js';
export { CgroupV2Manager } from './v2.js';

/** Which cgroup version is mounted at root: v2 when <root>/cgroup.controllers exists. */
export function detectCgroupMode(root = '/sys/fs/cgroup'): 'v1' | 'v2' {
  return existsSync(join(root, 'cgroup.controllers')) ? 'v2' : 'v1';
}

/** Create the cgroup manager for this host; the version is decided once, here. */
export function createCgroupManager(opts: { root?: string } = {}): CgroupManager {
  const root = opts.root ?? '/sys/fs/cgroup';
  return detectCgroupMode(root) === 'v2' ? new CgroupV2Manager({ root }) : new CgroupV1Manager({ root });
}
