/**
 * Removes the container cgroups nothing holds any more: the ones a failed removal, a crash or a
 * test's cleanup left. Run by reconciliation (at the daemon's start, and after each container's
 * removal), so a removal that failed once is tried again.
 */
import type { Logger } from '../../log/logger.js';
import type { CgroupManager } from './manager.js';

/**
 * For one cgroup, named by its container id: `keep` (its container may have processes in it),
 * `remove` (the container is known to this host and holds no process: kill whatever is left and
 * remove it), or `unknown` (not this host's: another engine's on the same machine, or a history
 * that is gone).
 */
export type CgroupVerdict = 'keep' | 'remove' | 'unknown';

/**
 * An unknown cgroup is removed only when it is empty and has not changed for this long: another
 * engine on the machine creates its container's cgroup a moment before the container's first
 * process joins it, and that moment must not be taken for a leftover.
 */
export const UNKNOWN_IDLE_MS = 60_000;

/** Removes the leftovers under `parent`; returns the names removed. Failures are logged, never thrown. */
export async function removeLeftoverCgroups(
  cgroups: CgroupManager,
  parent: string,
  verdict: (id: string) => CgroupVerdict,
  log: Logger,
  now = Date.now(),
): Promise<string[]> {
  const removed: string[] = [];
  let children: Array<{ name: string; changedMs: number }>;
  try {
    children = await cgroups.children(parent);
  } catch (error) {
    log.warn('listing the container cgroups failed', { parent, error });
    return removed;
  }
  for (const { name, changedMs } of children) {
    const id = name.slice(parent.length + 1);
    const what = verdict(id);
    if (what === 'keep' || (what === 'unknown' && now - changedMs < UNKNOWN_IDLE_MS)) continue;
    try {
      // remove() kills what is left and retries EBUSY while a dying task is reaped; an unknown
      // cgroup is only rmdir'ed, so that one with processes in it stays.
      if (what === 'remove') await cgroups.remove(name);
      else await cgroups.removeIfEmpty(name);
      if (await cgroups.exists(name)) continue;
      removed.push(name);
      log.info('removed a leftover cgroup', { cgroup: name, container: what === 'remove' ? 'gone' : 'unknown' });
    } catch (error) {
      log.warn('removing a leftover cgroup failed; tried again at the next reconciliation', { cgroup: name, error });
    }
  }
  return removed;
}
