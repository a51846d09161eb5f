/** Container commands and events: the one declaration of each. */
import * as z from 'zod';
import { UserNamespace } from './userNamespace.js';
import { eventSchema } from './envelope.js';
import { MountSpec } from './mount.js';
import { Sealed } from './sealed.js';
import { Networking } from './networking.js';
import { ExposedPort } from './ports.js';
import { LogConfig, Resources, SecurityOptions } from './hostConfig.js';
import { containerRuntimeCommands, containerRuntimeEvents } from './containerRuntime.js';
import { HealthConfig, healthCommands, healthEvents } from './health.js';
import { lazySchema } from './lazySchema.js';

/** Docker's restart policies: when the engine starts a container again after it exits. */
export const RestartPolicy = lazySchema(() => z.object({
  name: z.enum(['no', 'on-failure', 'always', 'unless-stopped']),
  /** For on-failure: give up after this many restarts (0: never give up). */
  maximumRetryCount: z.number().int().nonnegative(),
}));
export type RestartPolicy = z.infer<typeof RestartPolicy>;

/**
 * A placement constraint (`--constraint key=value`): the host must carry label key=value, or be
 * the host named when the key is `host`. Recorded, so that rescheduling honours it too.
 */
export const PlacementConstraint = lazySchema(() => z.object({ key: z.string().min(1), value: z.string() }));
export type PlacementConstraint = z.infer<typeof PlacementConstraint>;

/** What a container runs with, fixed at create. */
export const ContainerConfig = lazySchema(() => z.object({
  /** The container's name, unique on its host. */
  name: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/),
  /** The image id (sha256 hex) and the reference the user gave. */
  image: z.string(),
  imageRef: z.string(),
  /** The full argv. */
  cmd: z.array(z.string()).min(1),
  /** The entrypoint part of `cmd` (the image's, or --entrypoint); absent in events written before it was recorded. */
  entrypoint: z.array(z.string()).optional(),
  /**
   * KEY=VALUE in the clear: the image's env (in events written before sealing, the user's
   * entries merged over it).
   */
  env: z.array(z.string()),
  /** The user's entries (-e, --env-file), sealed to the host (events/sealed.ts), merged over `env` by key. */
  sealedEnv: Sealed.optional(),
  workingDir: z.string(),
  hostname: z.string(),
  /** Limits; absent means the engine default. */
  memoryBytes: z.number().int().positive().optional(),
  pidsLimit: z.number().int().positive().optional(),
  /** Remove the container when it exits (--rm). */
  autoRemove: z.boolean(),
  /** Absent in events written before restart policies existed: 'no'. */
  restartPolicy: RestartPolicy.optional(),
  labels: z.record(z.string(), z.string()),
  /** Capabilities, seccomp, user, ulimits, network (events/hostConfig.ts). */
  security: SecurityOptions.optional(),
  /** CPU, cpuset, swap and io limits (events/hostConfig.ts). */
  resources: Resources.optional(),
  /** Volumes, bind mounts and tmpfs mounts (events/mount.ts); absent in events written before them. */
  mounts: z.array(MountSpec).optional(),
  /** The health check (flags, else the image's HEALTHCHECK); absent: none. */
  healthcheck: HealthConfig.optional(),
  /** -i: the container's stdin is a pipe fed through its shim's attach socket (else /dev/null). */
  openStdin: z.boolean().optional(),
  /** -t: the container runs on a pty; its output is one stream. */
  tty: z.boolean().optional(),
  /** --init: berth-init runs as pid 1, reaping zombies and passing signals on to the command. */
  init: z.boolean().optional(),
  /** --log-driver and --log-opt (events/logDrivers.ts); absent: json-file, never rotated. */
  logConfig: LogConfig.optional(),
  /** What `stop` sends first (--stop-signal, else the image's StopSignal); absent: SIGTERM. */
  stopSignal: z.string().optional(),
  /** Where placement (and rescheduling) may put it; absent in events written before they were recorded: anywhere. */
  constraints: z.array(PlacementConstraint).optional(),
  /** Networks or another container's netns (events/networking.ts); absent: security.network alone. */
  networking: Networking.optional(),
  /**
   * Config.ExposedPorts: the image's EXPOSE, --expose and the -p container ports, as Docker
   * merges them ('80/tcp'); absent: none (or an event written before they were recorded).
   */
  exposedPorts: z.array(ExposedPort).optional(),
  /** --userns-remap: the container's user namespace (events/userNamespace.ts); absent: the host's. */
  userns: UserNamespace.optional(),
}));
export type ContainerConfig = z.infer<typeof ContainerConfig>;

export const ContainerCreated = lazySchema(() => eventSchema('container.created', ContainerConfig));
export const ContainerStarting = lazySchema(() => eventSchema(
  'container.starting',
  /** `byRestartPolicy`: the engine restarts it; a user's start resets the restart count. */
  z.object({ byRestartPolicy: z.boolean().optional() }),
));
export const ContainerStarted = lazySchema(() => eventSchema('container.started', z.object({
  pid: z.number().int(),
  shimPid: z.number().int(),
  /** When its process was started (ms since the epoch), before any output; absent: the event's time. */
  at: z.number().optional(),
})));
export const ContainerStartFailed = lazySchema(() => eventSchema(
  'container.start_failed',
  z.object({ exitCode: z.number().int(), error: z.string() }),
));
export const ContainerKilled = lazySchema(() => eventSchema('container.killed', z.object({ signal: z.string() })));
export const ContainerStopping = lazySchema(() => eventSchema('container.stopping', z.object({ timeoutSeconds: z.number() })));
export const ContainerDied = lazySchema(() => eventSchema(
  'container.died',
  z.object({ exitCode: z.number().int(), signal: z.number().int().nullable(), oomKilled: z.boolean() }),
));
export const ContainerStopped = lazySchema(() => eventSchema('container.stopped', z.object({})));
/** The removal failed and cannot finish by itself: the container is dead until removed again. */
export const ContainerRemovalFailed = lazySchema(() => eventSchema('container.removal_failed', z.object({ error: z.string() })));
/** A new name (unique on the host: the host checks it). */
export const ContainerRenamed = lazySchema(() => eventSchema('container.renamed', z.object({ name: ContainerConfig.shape.name, oldName: z.string() })));
/** Limits and restart policy changed live. */
export const ContainerUpdated = lazySchema(() => eventSchema('container.updated', z.object({
  memoryBytes: z.number().int().positive().optional(),
  pidsLimit: z.number().int().positive().optional(),
  restartPolicy: RestartPolicy.optional(),
  /** The resources named change; the others stay as they were. */
  resources: Resources.optional(),
})));
/** The restart policy will start it again after `delayMs` (Docker's backoff). */
export const ContainerRestarting = lazySchema(() => eventSchema(
  'container.restarting',
  z.object({ delayMs: z.number().int().nonnegative(), restartCount: z.number().int().positive() }),
));
/** Where a rescheduled container came from (docs/MULTIHOST.md, fencing): on the new container, after its created. */
export const RescheduledFrom = lazySchema(() => z.object({
  /** The fenced host and the container that ran there. */
  host: z.string(),
  container: z.string(),
  reason: z.string(),
  /** Who fenced that host, and the fence record's revision. */
  fencedBy: z.string(),
  fenceRevision: z.number().int(),
}));
export type RescheduledFrom = z.infer<typeof RescheduledFrom>;
export const ContainerRescheduled = lazySchema(() => eventSchema('container.rescheduled', RescheduledFrom));
/** Its host was fenced and the container rescheduled elsewhere: it is stopped here for good. */
export const ContainerFenced = lazySchema(() => eventSchema('container.fenced', z.object({
  reason: z.string(),
  /** The replacement: its host and container id. */
  host: z.string(),
  container: z.string(),
})));
/**
 * Its host had cut itself off (docs/MULTIHOST.md, "Self-fencing"): no heartbeat acknowledged
 * for the lease, so the container was frozen, and how that ended. Recorded once the host
 * reaches the cluster again (it could not write while cut off).
 */
export const SelfFence = lazySchema(() => z.object({
  /** When it was frozen (ms since the epoch). */
  frozenAt: z.number(),
  /** `thawed`: the lease came back and the host was not fenced; `fenced`: it stays frozen until stopped. */
  outcome: z.enum(['thawed', 'fenced']),
  reason: z.string(),
}));
export type SelfFence = z.infer<typeof SelfFence>;
export const ContainerSelfFenced = lazySchema(() => eventSchema('container.self_fenced', SelfFence));
export const ContainerRemoving = lazySchema(() => eventSchema('container.removing', z.object({})));
export const ContainerDestroyed = lazySchema(() => eventSchema('container.destroyed', z.object({})));

export const ContainerEvent = lazySchema(() => z.discriminatedUnion('type', [
  ContainerCreated, ContainerStarting, ContainerStarted, ContainerStartFailed, ContainerKilled,
  ContainerStopping, ContainerDied, ContainerStopped, ContainerRestarting, ContainerRemoving, ContainerDestroyed,
  ...containerRuntimeEvents,
  ...healthEvents,
  ContainerRenamed, ContainerUpdated, ContainerRemovalFailed, ContainerRescheduled, ContainerFenced, ContainerSelfFenced,
]));
export type ContainerEvent = z.infer<typeof ContainerEvent>;

/** Commands a container accepts. User commands come over the bus; Report* come from the worker. */
export const ContainerCommand = lazySchema(() => z.discriminatedUnion('type', [
  /** `rescheduledFrom`: the replacement of a fenced host's container (records container.rescheduled). */
  z.object({ type: z.literal('Create'), config: ContainerConfig, rescheduledFrom: RescheduledFrom.optional() }),
  /** A returning host stops a container that was rescheduled elsewhere while it was fenced. */
  z.object({ type: z.literal('Fence'), reason: z.string(), host: z.string(), container: z.string() }),
  /** Records a self-fence that has ended (the freeze and thaw themselves are kernel effects the host ran while cut off). */
  z.object({ type: z.literal('RecordSelfFence'), selfFence: SelfFence }),
  z.object({ type: z.literal('Start'), byRestartPolicy: z.boolean().optional() }),
  /** `signal` (stop -s) overrides the container's stop signal. */
  z.object({ type: z.literal('Stop'), timeoutSeconds: z.number().min(0), signal: z.string().optional() }),
  z.object({ type: z.literal('Kill'), signal: z.string() }),
  z.object({ type: z.literal('Remove'), force: z.boolean() }),
  /** `at`: when the worker started the process (ms since the epoch), before any of its output. */
  z.object({ type: z.literal('ReportStarted'), pid: z.number().int(), shimPid: z.number().int(), at: z.number().optional() }),
  z.object({ type: z.literal('ReportStartFailed'), exitCode: z.number().int(), error: z.string() }),
  z.object({
    type: z.literal('ReportExited'),
    exitCode: z.number().int(),
    signal: z.number().int().nullable(),
    oomKilled: z.boolean(),
    /** When it exited (ms since the epoch): the restart backoff depends on how long it ran. */
    at: z.number().optional(),
  }),
  z.object({ type: z.literal('ReportRemoved') }),
  z.object({ type: z.literal('ReportRemovalFailed'), error: z.string() }),
  ...containerRuntimeCommands,
  ...healthCommands,
  z.object({ type: z.literal('Rename'), name: z.string() }),
  z.object({ type: z.literal('Update'), changes: ContainerUpdated.shape.data }),
]));
export type ContainerCommand = z.infer<typeof ContainerCommand>;
