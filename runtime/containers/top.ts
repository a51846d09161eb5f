/** `berth top`: the processes of a container's cgroup, read from the host's /proc. */
import fs from 'node:fs/promises';

/** One row, as `ps -ef` would print it. */
export interface ProcessRow {
  uid: number;
  pid: number;
  ppid: number;
  /** CPU time used, in clock ticks */
  ticks: number;
  cmd: string;
}

const CLOCK_TICKS = 100;

/** "[[h:]mm:]ss" like ps's TIME column: hh:mm:ss. */
export function formatTicks(ticks: number): string {
  const seconds = Math.floor(ticks / CLOCK_TICKS);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
}

/** Parses /proc/<pid>/stat (the command name may hold spaces and parentheses). */
export function parseStat(text: string): { comm: string; ppid: number; ticks: number } {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  const rest = text.slice(close + 2).split(' ');
  return { comm: text.slice(open + 1, close), ppid: Number(rest[1]), ticks: Number(rest[11]) + Number(rest[12]) };
}

async function readRow(pid: number): Promise<ProcessRow | null> {
  try {
    const [stat, status, cmdline] = await Promise.all([
      fs.readFile(`/proc/${pid}/stat`, 'utf8'),
      fs.readFile(`/proc/${pid}/status`, 'utf8'),
      fs.readFile(`/proc/${pid}/cmdline`, 'utf8'),
    ]);
    const { comm, ppid, ticks } = parseStat(stat);
    const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    const cmd = cmdline.split('\0').filter(Boolean).join(' ') || `[${comm}]`;
    return { uid, pid, ppid, ticks, cmd };
  } catch {
    return null; // gone while we looked
  }
}

/** The rows of the given pids, by pid; processes gone meanwhile are left out. */
export async function listProcesses(pids: number[]): Promise<ProcessRow[]> {
  const rows = await Promise.all([...pids].sort((a, b) => a - b).map(readRow));
  return rows.filter((row): row is ProcessRow => row !== null);
}
