/** Reads a container's counters from its cgroup v1 dirs (controller -> dir). */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { isGone, readKeyed, readNumber, readOomKills, type CgroupStats } from './manager.js';

/** v1 reports "no limit" as a page-rounded LONG_MAX. */
const UNLIMITED = 2 ** 62;

/** Sums "MAJ:MIN Read N" / "MAJ:MIN Write N" lines of a blkio file. */
export function sumBlkio(text: string): { read: number; write: number } {
  let read = 0;
  let write = 0;
  for (const line of text.split('\n')) {
    const [, op, value] = line.trim().split(/\s+/);
    if (op === 'Read') read += Number(value);
    if (op === 'Write') write += Number(value);
  }
  return { read, write };
}

async function readText(path: string | undefined): Promise<string> {
  if (!path) return '';
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if (isGone(e)) return '';
    throw e;
  }
}

export async function readV1Stats(dirOf: ReadonlyMap<string, string>): Promise<CgroupStats> {
  const at = (controller: string, file: string) => {
    const dir = dirOf.get(controller);
    return dir ? join(dir, file) : undefined;
  };
  const num = async (path: string | undefined) => (path ? await readNumber(path) : null);
  const usage = (await num(at('memory', 'memory.usage_in_bytes'))) ?? 0;
  const memoryStat = at('memory', 'memory.stat');
  const inactive = memoryStat ? (await readKeyed(memoryStat)).get('total_inactive_file') ?? 0 : 0;
  const limit = await num(at('memory', 'memory.limit_in_bytes'));
  const pidsLimit = await num(at('pids', 'pids.max'));
  const io = sumBlkio(await readText(at('blkio', 'blkio.throttle.io_service_bytes_recursive')));
  return {
    memoryUsage: Math.max(0, usage - inactive),
    memoryLimit: limit === null || limit >= UNLIMITED ? null : limit,
    memoryCurrent: usage,
    oomKills: dirOf.has('memory') ? await readOomKills(at('memory', 'memory.oom_control')!) : 0,
    cpuUsageNs: (await num(at('cpuacct', 'cpuacct.usage'))) ?? 0,
    pids: (await num(at('pids', 'pids.current'))) ?? 0,
    pidsLimit,
    ioReadBytes: io.read,
    ioWriteBytes: io.write,
  };
}
