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

/**
 * Docker's stats JSON (`GET /containers/{id}/stats`) of a reading and the one before: the
 * system CPU time is the wall time across every CPU, so that Docker's formula (CPU delta over
 * system delta, times the CPUs) gives the same share as cpuPercent.
 */
export function dockerStats(now: StatsView, before: StatsView | undefined): Record<string, unknown> {
  const cpu = (s: StatsView | undefined) => ({
    cpu_usage: { total_usage: s?.cpuUsageNs ?? 0, usage_in_kernelmode: 0, usage_in_usermode: s?.cpuUsageNs ?? 0 },
    system_cpu_usage: s ? s.read * 1e6 * s.onlineCpus : 0,
    online_cpus: s?.onlineCpus ?? 0,
    throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
  });
  return {
    name: `/${now.name}`,
    id: now.id,
    read: new Date(now.read).toISOString(),
    preread: before ? new Date(before.read).toISOString() : '0001-01-01T00:00:00Z',
    pids_stats: { current: now.pids, ...(now.pidsLimit ? { limit: now.pidsLimit } : {}) },
    blkio_stats: {
      io_service_bytes_recursive: [
        { major: 0, minor: 0, op: 'read', value: now.ioReadBytes },
        { major: 0, minor: 0, op: 'write', value: now.ioWriteBytes },
      ],
    },
    num_procs: 0,
    storage_stats: {},
    cpu_stats: cpu(now),
    precpu_stats: cpu(before),
    memory_stats: { usage: now.memoryUsage, limit: now.memoryLimit ?? 0, stats: {} },
  };
}
