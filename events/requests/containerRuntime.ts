/** Requests of the runtime in depth: pause, unpause, exec, stats and top. */
import * as z from 'zod';
import { ExecConfig } from '../containerRuntime.js';
import { lazySchema } from '../lazySchema.js';

const Ref = lazySchema(() => z.string().min(1));
const Id = lazySchema(() => z.object({ id: z.string() }));

/** One reading of a container's cgroup (see runtime/cgroups/manager.ts CgroupStats). */
export const StatsView = lazySchema(() => z.object({
  id: z.string(),
  name: z.string(),
  /** ms since the epoch, when read */
  read: z.number(),
  memoryUsage: z.number(),
  memoryLimit: z.number().nullable(),
  cpuUsageNs: z.number(),
  pids: z.number(),
  pidsLimit: z.number().nullable(),
  ioReadBytes: z.number(),
  ioWriteBytes: z.number(),
  /** CPUs of the host, to turn CPU time into a percentage */
  onlineCpus: z.number(),
}));
export type StatsView = z.infer<typeof StatsView>;

export const ProcessView = lazySchema(() => z.object({ uid: z.number(), pid: z.number(), ppid: z.number(), ticks: z.number(), cmd: z.string() }));

export const containerRuntimeRequests = {
  'container.pause': lazySchema(() => z.object({ op: z.literal('container.pause'), ref: Ref })),
  'container.unpause': lazySchema(() => z.object({ op: z.literal('container.unpause'), ref: Ref })),
  'container.exec': lazySchema(() => z.object({ op: z.literal('container.exec'), ref: Ref, exec: ExecConfig })),
  /** empty refs: every running container */
  'container.stats': lazySchema(() => z.object({ op: z.literal('container.stats'), refs: z.array(Ref) })),
  'container.top': lazySchema(() => z.object({ op: z.literal('container.top'), ref: Ref })),
};

export const containerRuntimeResults = {
  'container.pause': Id,
  'container.unpause': Id,
  'container.exec': Id,
  'container.stats': lazySchema(() => z.array(StatsView)),
  'container.top': lazySchema(() => z.array(ProcessView)),
};
