/**
 * What Docker calls a container's HostConfig beyond memory and pids: its security options and
 * the other resource limits. Fixed at create; part of ContainerConfig and of CreateSpec. Every
 * field is optional, so events written before these existed still read.
 */
import { z } from 'zod';

export const UlimitSchema = z.object({
  /** Docker's name: nofile, nproc, core, ... */
  name: z.string(),
  /** -1: unlimited */
  soft: z.number().int().min(-1),
  hard: z.number().int().min(-1),
});

export const SecurityOptions = z.object({
  /** Capability names as given (SYS_ADMIN, CAP_NET_ADMIN, ALL). */
  capAdd: z.array(z.string()).optional(),
  capDrop: z.array(z.string()).optional(),
  /** Every capability, no seccomp filter, no masked or read-only paths, every device. */
  privileged: z.boolean().optional(),
  /** --security-opt no-new-privileges */
  noNewPrivileges: z.boolean().optional(),
  /** --security-opt seccomp=unconfined turns the default filter off. */
  seccomp: z.enum(['default', 'unconfined']).optional(),
  /** --read-only: the root filesystem is mounted read-only. */
  readOnly: z.boolean().optional(),
  /** -u name|uid[:group|gid], resolved in the container's /etc/passwd and /etc/group. */
  user: z.string().optional(),
  ulimits: z.array(UlimitSchema).optional(),
  /** none (default): a private network namespace with loopback; host: the host's. */
  network: z.enum(['none', 'host']).optional(),
});
export type SecurityOptions = z.infer<typeof SecurityOptions>;

export const Resources = z.object({
  /** --cpus: CPU time as a number of CPUs (cfs quota / period). */
  cpus: z.number().positive().optional(),
  /** --cpu-shares: relative weight (v1 cpu.shares; v2 cpu.weight converted). */
  cpuShares: z.number().int().min(2).max(262144).optional(),
  /** --cpuset-cpus: "0-1", "0,1". */
  cpusetCpus: z.string().regex(/^\d+(-\d+)?(,\d+(-\d+)?)*$/).optional(),
  /** --memory-swap: memory plus swap in bytes; -1 unlimited swap. Needs a memory limit. */
  memorySwapBytes: z.number().int().min(-1).optional(),
  /** --blkio-weight: 10..1000. */
  blkioWeight: z.number().int().min(10).max(1000).optional(),
  /** --memory-high (cgroup v2 only: memory.high, the throttling threshold). */
  memoryHighBytes: z.number().int().positive().optional(),
});
export type Resources = z.infer<typeof Resources>;

/** --log-opt for the json-file log: rotation by size, as Docker's json-file driver. */
export const LogConfig = z.object({
  /** max-size: a record that would take ctr.log past this many bytes starts a new file. */
  maxSizeBytes: z.number().int().positive().optional(),
  /** max-file: files kept, the current one included (ctr.log, ctr.log.1, ...); 1 when absent. */
  maxFiles: z.number().int().positive().optional(),
});
export type LogConfig = z.infer<typeof LogConfig>;
