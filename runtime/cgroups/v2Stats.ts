/** Reads a container's counters from its cgroup v2 dir. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { isGone, readKeyed, readNumber, readOomKills, type CgroupStats } from './manager.js';

/** Sums rbytes= and wbytes= over the devices of io.stat. */
export function sumIoStat(text: string): { read: number; write: number } {
  let read = 0;
  let write = 0;
  for (const match of text.matchAll(/\b([rw])bytes=(\d+)/g)) {
    if (match[1] === 'r') read += Number(match[2]);
    else write += Number(match[2]);
  }
  return { read, write };
}

export async function readV2Stats(dir: string): Promise<CgroupStats> {
  const memory = await readKeyed(join(dir, 'memory.stat'));
  const cpu = await readKeyed(join(dir, 'cpu.stat'));
  let ioText = '';
  try {
    ioText = await readFile(join(dir, 'io.stat'), 'utf8');
  } catch (e) {
    if (!isGone(e)) throw e;
  }
  const io = sumIoStat(ioText);
  const current = (await readNumber(join(dir, 'memory.current'))) ?? 0;
  return {
    memoryUsage: Math.max(0, current - (memory.get('inactive_file') ?? 0)),
    memoryLimit: await readNumber(join(dir, 'memory.max')),
    memoryCurrent: current,
    oomKills: await readOomKills(join(dir, 'memory.events')),
    cpuUsageNs: (cpu.get('usage_usec') ?? 0) * 1000,
    pids: (await readNumber(join(dir, 'pids.current'))) ?? 0,
    pidsLimit: await readNumber(join(dir, 'pids.max')),
    ioReadBytes: io.read,
    ioWriteBytes: io.write,
  };
}
