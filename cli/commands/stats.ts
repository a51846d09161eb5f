/** `berth stats`: memory, CPU, pids and io of running containers, from their cgroups. */
import type { StatsView } from '../../events/requests.js';
import { formatList, parseTemplate } from '../template.js';
import { connectClient, type Client, type GlobalOptions } from '../client.js';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
const BYTES_SI = ['B', 'kB', 'MB', 'GB', 'TB'];

/** Docker's human sizes: binary units for memory, decimal for io. */
export function humanSize(bytes: number, binary = true): string {
  const base = binary ? 1024 : 1000;
  const units = binary ? UNITS : BYTES_SI;
  let value = bytes;
  let unit = 0;
  while (value >= base && unit < units.length - 1) { value /= base; unit++; }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0).replace(/\.?0+$/, '')}${units[unit]}`;
}

/** CPU % between two readings: the share of one CPU's time, as Docker shows it (100% = one CPU busy). */
export function cpuPercent(before: StatsView | undefined, after: StatsView): number {
  if (!before || after.read <= before.read) return 0;
  return ((after.cpuUsageNs - before.cpuUsageNs) / ((after.read - before.read) * 1e6)) * 100;
}

/** One container's reading under Docker's template names ({{.Name}}, {{.CPUPerc}}, {{.MemUsage}}...). */
export function statsRow(now: StatsView, before?: StatsView): Record<string, string> {
  const limit = now.memoryLimit ?? 0;
  return {
    ID: now.id.slice(0, 12), Container: now.id.slice(0, 12), Name: now.name,
    CPUPerc: `${cpuPercent(before, now).toFixed(2)}%`,
    MemUsage: `${humanSize(now.memoryUsage)} / ${limit ? humanSize(limit) : 'unlimited'}`,
    MemPerc: limit ? `${((now.memoryUsage / limit) * 100).toFixed(2)}%` : '--',
    NetIO: '--',
    BlockIO: `${humanSize(now.ioReadBytes, false)} / ${humanSize(now.ioWriteBytes, false)}`,
    PIDs: String(now.pids),
  };
}

const HEADERS = { ID: 'CONTAINER ID', Container: 'CONTAINER', Name: 'NAME', CPUPerc: 'CPU %', MemUsage: 'MEM USAGE / LIMIT', MemPerc: 'MEM %', NetIO: 'NET I/O', BlockIO: 'BLOCK I/O', PIDs: 'PIDS' };

export function formatStats(rows: Array<{ now: StatsView; before?: StatsView }>): string {
  const head = ['CONTAINER ID', 'NAME', 'CPU %', 'MEM USAGE / LIMIT', 'MEM %', 'BLOCK I/O', 'PIDS'];
  const lines = rows.map(({ now, before }) => {
    const r = statsRow(now, before);
    return [r.ID!, r.Name!, r.CPUPerc!, r.MemUsage!, r.MemPerc!, r.BlockIO!, r.PIDs!];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  return [head, ...lines].map((l) => l.map((cell, i) => cell.padEnd(widths[i])).join('   ').trimEnd()).join('\n') + '\n';
}

const read = (client: Client, refs: string[]) => client.request({ op: 'container.stats', refs });

export default async function stats(containers: string[], opts: { stream: boolean; format?: string }, globals: GlobalOptions): Promise<number> {
  if (opts.format && opts.format !== 'table' && opts.format !== 'json') parseTemplate(opts.format); // a bad template fails before any reading
  const client = await connectClient(globals);
  try {
    let before = new Map((await read(client, containers)).map((s) => [s.id, s]));
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, opts.stream ? 1000 : 500));
      const now = await read(client, containers);
      if (opts.format === 'json') {
        for (const s of now) process.stdout.write(`${JSON.stringify({ ...s, cpuPercent: cpuPercent(before.get(s.id), s) })}\n`);
      } else if (opts.format && opts.format !== 'table') {
        process.stdout.write(formatList(opts.format, now.map((s) => statsRow(s, before.get(s.id))), HEADERS));
      } else {
        if (opts.stream && process.stdout.isTTY) process.stdout.write('\x1b[2J\x1b[H');
        process.stdout.write(formatStats(now.map((s) => ({ now: s, before: before.get(s.id) }))));
      }
      if (!opts.stream) return 0;
      before = new Map(now.map((s) => [s.id, s]));
    }
  } finally {
    await client.close();
  }
}
