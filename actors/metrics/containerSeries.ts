/**
 * Per-container series under cAdvisor's names and labels (name, id as the cgroup path, image),
 * read from each running container's cgroup when Prometheus scrapes (through the worker's
 * cgroup manager: v1 or v2, decided once in runtime/cgroups/detect.ts).
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { CgroupStats } from '../../runtime/cgroups/manager.js';

const LABELS = ['name', 'id', 'image'] as const;
type Labels = Record<(typeof LABELS)[number], string>;

/** One running container as the series name it. */
export interface ContainerReading {
  id: string;
  name: string;
  image: string;
  stats: CgroupStats;
}

type Name = (typeof LABELS)[number];
type Read = (stats: CgroupStats) => number;

export class ContainerSeries {
  private readonly series: Array<[Counter<Name> | Gauge<Name>, Read]>;

  constructor(registry: Registry) {
    const registers = [registry];
    // Counters are set from the kernel's running totals (reset, then one inc of the total).
    const counter = (name: string, help: string, read: Read): [Counter<Name>, Read] => [new Counter({ name, help, labelNames: LABELS, registers }), read];
    const gauge = (name: string, help: string, read: Read): [Gauge<Name>, Read] => [new Gauge({ name, help, labelNames: LABELS, registers }), read];
    this.series = [
      counter('container_cpu_usage_seconds_total', 'Cumulative cpu time consumed in seconds.', (s) => s.cpuUsageNs / 1e9),
      counter('container_oom_events_total', 'Count of out of memory events observed for the container', (s) => s.oomKills),
      counter('container_fs_reads_bytes_total', 'Cumulative count of bytes read', (s) => s.ioReadBytes),
      counter('container_fs_writes_bytes_total', 'Cumulative count of bytes written', (s) => s.ioWriteBytes),
      gauge('container_memory_working_set_bytes', 'Current working set in bytes.', (s) => s.memoryUsage),
      gauge('container_memory_usage_bytes', 'Current memory usage in bytes, including all memory regardless of when it was accessed', (s) => s.memoryCurrent),
      // cAdvisor's 0 for no limit.
      gauge('container_spec_memory_limit_bytes', 'Memory limit for the container.', (s) => s.memoryLimit ?? 0),
      gauge('container_threads', 'Number of threads running inside the container', (s) => s.pids),
      gauge('container_threads_max', 'Maximum number of threads allowed inside the container, infinity if value is zero', (s) => s.pidsLimit ?? 0),
    ];
  }

  /** Replaces every series with these readings: a container gone since the last scrape has none. */
  set(readings: readonly ContainerReading[]): void {
    for (const [metric] of this.series) metric.reset();
    for (const { id, name, image, stats } of readings) {
      const labels: Labels = { name, id: `/berth/${id}`, image };
      for (const [metric, read] of this.series) {
        if (metric instanceof Counter) metric.inc(labels, read(stats));
        else metric.set(labels, read(stats));
      }
    }
  }
}
