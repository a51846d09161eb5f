/**
 * What Docker calls a container's HostConfig beyond memory and pids: its security options and
 * the other resource limits. Fixed at create; part of ContainerConfig and of CreateSpec. Every
 * field is optional, so events written before these existed still read.
 */
import * as z from 'zod';
import { lazySchema } from './lazySchema.js';

export const UlimitSchema = lazySchema(() => z.object({
  /** Docker's name: nofile, nproc, core, ... */
  name: z.string(),
  /** -1: unlimited */
  soft: z.number().int().min(-1),
  hard: z.number().int().min(-1),
}));

/** A seccomp action of Docker's profile format (SCMP_ACT_NOTIFY is not supported). */
export const SeccompAction = lazySchema(() => z.enum([
  'SCMP_ACT_ALLOW', 'SCMP_ACT_ERRNO', 'SCMP_ACT_KILL', 'SCMP_ACT_KILL_THREAD', 'SCMP_ACT_KILL_PROCESS',
  'SCMP_ACT_TRAP', 'SCMP_ACT_TRACE', 'SCMP_ACT_LOG',
]));
export type SeccompAction = z.infer<typeof SeccompAction>;

const ArgValue = lazySchema(() => z.number().int().min(0).max(Number.MAX_SAFE_INTEGER));
const SeccompFilter = lazySchema(() => z.object({
  /** Capability names with CAP_ (CAP_SYS_ADMIN), matched against the container's set. */
  caps: z.array(z.string()).nullish(),
  /** Go architecture names (amd64, arm64, ...). */
  arches: z.array(z.string()).nullish(),
  /** "4.8": the running kernel's version at least (includes) or below (excludes). */
  minKernel: z.string().nullish(),
}));

/**
 * A seccomp profile in Docker's JSON format (`--security-opt seccomp=FILE`), as the CLI read it;
 * compiled to BPF at start by runtime/security/seccompProfile.ts. Unknown keys are dropped.
 */
export const SeccompProfile = lazySchema(() => z.object({
  defaultAction: SeccompAction,
  defaultErrnoRet: z.number().int().min(0).max(4095).nullish(),
  architectures: z.array(z.string()).nullish(),
  archMap: z.array(z.object({ architecture: z.string(), subArchitectures: z.array(z.string()).nullish() })).nullish(),
  syscalls: z.array(z.object({
    names: z.array(z.string()).nullish(),
    /** The old form: one name. */
    name: z.string().nullish(),
    action: SeccompAction,
    errnoRet: z.number().int().min(0).max(4095).nullish(),
    args: z.array(z.object({
      index: z.number().int().min(0).max(5),
      value: ArgValue,
      valueTwo: ArgValue.nullish(),
      op: z.enum(['SCMP_CMP_NE', 'SCMP_CMP_LT', 'SCMP_CMP_LE', 'SCMP_CMP_EQ', 'SCMP_CMP_GE', 'SCMP_CMP_GT', 'SCMP_CMP_MASKED_EQ']),
    })).nullish(),
    includes: SeccompFilter.nullish(),
    excludes: SeccompFilter.nullish(),
    comment: z.string().nullish(),
  })).nullish(),
}));
export type SeccompProfile = z.infer<typeof SeccompProfile>;

export const SecurityOptions = lazySchema(() => z.object({
  /** Capability names as given (SYS_ADMIN, CAP_NET_ADMIN, ALL). */
  capAdd: z.array(z.string()).optional(),
  capDrop: z.array(z.string()).optional(),
  /** Every capability, no seccomp filter, no masked or read-only paths, every device. */
  privileged: z.boolean().optional(),
  /** --security-opt no-new-privileges */
  noNewPrivileges: z.boolean().optional(),
  /** --security-opt seccomp=unconfined turns the default filter off. */
  seccomp: z.enum(['default', 'unconfined']).optional(),
  /** --security-opt seccomp=FILE: the profile read from FILE, used instead of the default filter. */
  seccompProfile: SeccompProfile.optional(),
  /** --read-only: the root filesystem is mounted read-only. */
  readOnly: z.boolean().optional(),
  /** -u name|uid[:group|gid], resolved in the container's /etc/passwd and /etc/group. */
  user: z.string().optional(),
  ulimits: z.array(UlimitSchema).optional(),
  /** none (default): a private network namespace with loopback; host: the host's. */
  network: z.enum(['none', 'host']).optional(),
}));
export type SecurityOptions = z.infer<typeof SecurityOptions>;

export const Resources = lazySchema(() => z.object({
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
}));
export type Resources = z.infer<typeof Resources>;

/** The log drivers berth has (Docker's names); events written before `driver` existed are json-file. */
export const LOG_DRIVERS = ['json-file', 'local', 'none', 'journald'] as const;
export const LogDriver = lazySchema(() => z.enum(LOG_DRIVERS));
export type LogDriver = z.infer<typeof LogDriver>;

/** --log-driver and --log-opt: where the container's output goes, and the driver's options (events/logDrivers.ts). */
export const LogConfig = lazySchema(() => z.object({
  /** --log-driver; absent: the daemon's default when created, json-file in events written before it. */
  driver: LogDriver.optional(),
  /** max-size: a record that would take ctr.log past this many bytes starts a new file. */
  maxSizeBytes: z.number().int().positive().optional(),
  /** max-file: files kept, the current one included (ctr.log, ctr.log.1, ...); 1 when absent (local: 5). */
  maxFiles: z.number().int().positive().optional(),
  /** labels= and env=: the container's labels and env variables each record carries (json-file's attrs, journald's fields; events/logAttributes.ts). */
  labels: z.array(z.string()).optional(),
  env: z.array(z.string()).optional(),
  /** labels-regex= and env-regex=: those whose names match (a JavaScript regular expression, as Go's for the usual patterns). */
  labelsRegex: z.string().optional(),
  envRegex: z.string().optional(),
  /** compress: rotated files are gzipped (ctr.log.1.gz, ...); local: true when absent, json-file: false. */
  compress: z.boolean().optional(),
  /** tag: a Go template (events/logTag.ts); journald's CONTAINER_TAG and SYSLOG_IDENTIFIER (default {{.ID}}, the short id), json-file's attrs.tag (only when set). */
  tag: z.string().optional(),
}));
export type LogConfig = z.infer<typeof LogConfig>;
