/** `stats`' readings as Docker shows them: CPU % between two readings, human sizes. Pure. */
import type { StatsView } from '../../events/requests.js';

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
