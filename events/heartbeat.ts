/**
 * A host's heartbeat: the value of its key in the heartbeat bucket, written every
 * HEARTBEAT_INTERVAL_MS. It says the host is alive and what it has free for placement.
 */
import * as z from 'zod';
import { lazySchema } from './lazySchema.js';

export const Heartbeat = lazySchema(() => z.object({
  /** The host id. */
  host: z.string().min(1),
  /** When the host wrote it (ms since the epoch, the host's clock; shown, never compared). */
  time: z.number(),
  /** The daemon's pid and version, for `host ls`. */
  pid: z.number().int(),
  version: z.string(),
  capacity: z.object({
    /** Online CPUs. */
    cpus: z.number().int().nonnegative(),
    /** Total and available memory in bytes (MemAvailable). */
    memoryTotal: z.number().nonnegative(),
    memoryFree: z.number().nonnegative(),
    /** Containers running or starting now. */
    containersRunning: z.number().int().nonnegative(),
  }),
  /** `--label key=value` given to the daemon: what `--constraint` matches. */
  labels: z.record(z.string(), z.string()),
}));
export type Heartbeat = z.infer<typeof Heartbeat>;
