/** Container requests (berth.cmd.<host>.container) and their results. */
import * as z from 'zod';
import { LogConfig, Resources, SecurityOptions } from '../hostConfig.js';
import { ContainerConfig, ContainerUpdated, PlacementConstraint, RestartPolicy } from '../container.js';
import { HealthView } from '../health.js';
import { MountSpec } from '../mount.js';
import { NetworkingSpec } from '../networking.js';
import { ExposedPort } from '../ports.js';
import { lazySchema } from '../lazySchema.js';

/** What `run`/`create` asks for, before the host resolves the image. */
export const CreateSpec = lazySchema(() => z.object({
  /** The client may choose the id (64 hex), so that it can follow the container before it exists. */
  id: z.string().regex(/^[a-f0-9]{64}$/).optional(),
  name: z.string().optional(),
  imageRef: z.string().min(1),
  /** Replaces the image's Cmd when non-empty. */
  cmd: z.array(z.string()),
  /** --entrypoint: replaces the image's Entrypoint ([] clears it), and then the image's Cmd is not used. */
  entrypoint: z.array(z.string()).optional(),
  env: z.array(z.string()),
  workingDir: z.string().optional(),
  hostname: z.string().optional(),
  memoryBytes: z.number().int().positive().optional(),
  pidsLimit: z.number().int().positive().optional(),
  autoRemove: z.boolean(),
  labels: z.record(z.string(), z.string()),
  security: SecurityOptions.optional(),
  resources: Resources.optional(),
  restartPolicy: RestartPolicy.optional(),
  /** -v, --mount and --tmpfs as parsed (client/mounts.ts); an anonymous volume has source ''. */
  mounts: z.array(MountSpec).optional(),
  /** --volumes-from: the containers whose volumes and binds this one mounts too ('': each keeps its mode). */
  volumesFrom: z.array(z.object({ container: z.string().min(1), mode: z.enum(['ro', 'rw', '']) })).optional(),
  /** --stop-signal (a signal name as parseSignal gives it); else the image's. */
  stopSignal: z.string().optional(),
  /** -i and -t. */
  openStdin: z.boolean().optional(),
  tty: z.boolean().optional(),
  /** --init: a tiny init as pid 1. */
  init: z.boolean().optional(),
  /** --log-opt (cli/logOptions.ts). */
  logConfig: LogConfig.optional(),
  /** --health-* flags; the image's HEALTHCHECK fills what they leave out. */
  health: z.object({
    cmd: z.string().optional(),
    intervalMs: z.number().int().positive().optional(),
    timeoutMs: z.number().int().positive().optional(),
    startPeriodMs: z.number().int().nonnegative().optional(),
    retries: z.number().int().positive().optional(),
    none: z.boolean().optional(),
  }).optional(),
  /** --constraint: recorded in the config, for rescheduling (placement itself happens before create). */
  constraints: z.array(PlacementConstraint).optional(),
  /** --network and the flags that go with it (events/networking.ts). */
  networking: NetworkingSpec.optional(),
  /** --expose (Config.ExposedPorts): exposed besides the image's EXPOSE, for -P too. */
  expose: z.array(ExposedPort).optional(),
  /** --userns: 'host' opts out of the daemon's --userns-remap; '' (or absent) takes it. */
  usernsMode: z.enum(['host', '']).optional(),
}));
export type CreateSpec = z.infer<typeof CreateSpec>;

/** What `ps` and `inspect` show of a container. */
export const ContainerView = lazySchema(() => z.object({
  id: z.string(),
  host: z.string(),
  status: z.string(),
  config: ContainerConfig,
  created: z.number(),
  pid: z.number().nullable(),
  exitCode: z.number().nullable(),
  oomKilled: z.boolean(),
  error: z.string().nullable(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
  restartCount: z.number(),
  health: HealthView.nullable(),
  /** Frozen by its host's self-fence since then (ms since the epoch): its host cannot reach the cluster (status `paused`). */
  selfFencedAt: z.number().optional(),
  /** inspect: where each of its volumes keeps its data on the host (volume name -> path). */
  volumePaths: z.record(z.string(), z.string()).optional(),
  /** With `size` asked: bytes the container wrote (its upper dir), and those plus its image's. */
  sizeRw: z.number().optional(),
  sizeRootFs: z.number().optional(),
  /** inspect: the networks it is on, with its lease on each (client/views/networkSettings.ts shows them as Docker does). */
  networks: z.array(z.object({
    name: z.string(), networkId: z.string(), address: z.string(), prefix: z.number(), gateway: z.string(), mac: z.string(), aliases: z.array(z.string()),
    /** On an IPv6 network: its IPv6 lease, the subnet's prefix and the network's IPv6 gateway. */
    address6: z.string().optional(), prefix6: z.number().optional(), gateway6: z.string().optional(),
  })).optional(),
  /** A lost host's container started elsewhere by fencing (client/lostContainers.ts): where, and as which id. */
  rescheduledTo: z.object({ host: z.string(), id: z.string() }).optional(),
}));
export type ContainerView = z.infer<typeof ContainerView>;

const Ref = lazySchema(() => z.string().min(1));
const Id = lazySchema(() => z.object({ id: z.string() }));

export const containerRequests = {
  'container.create': lazySchema(() => z.object({ op: z.literal('container.create'), spec: CreateSpec, start: z.boolean() })),
  'container.start': lazySchema(() => z.object({ op: z.literal('container.start'), ref: Ref })),
  /** `signal`: stop -s, instead of the container's stop signal. */
  'container.stop': lazySchema(() => z.object({ op: z.literal('container.stop'), ref: Ref, timeoutSeconds: z.number().min(0), signal: z.string().optional() })),
  'container.kill': lazySchema(() => z.object({ op: z.literal('container.kill'), ref: Ref, signal: z.string() })),
  /** `volumes` (rm -v): the container's anonymous volumes are removed with it. */
  'container.remove': lazySchema(() => z.object({ op: z.literal('container.remove'), ref: Ref, force: z.boolean(), volumes: z.boolean().optional() })),
  /** `size`: fill in sizeRw and sizeRootFs (ps -s), which reads the disk. */
  'container.list': lazySchema(() => z.object({ op: z.literal('container.list'), all: z.boolean(), size: z.boolean().optional() })),
  'container.inspect': lazySchema(() => z.object({ op: z.literal('container.inspect'), ref: Ref, size: z.boolean().optional() })),
  /** since/until: ms since the epoch; tail: the last N entries of the history (logs --since/--until/--tail). */
  'container.logs': lazySchema(() => z.object({
    op: z.literal('container.logs'), ref: Ref, follow: z.boolean(), inbox: z.string(),
    sinceMs: z.number().optional(), untilMs: z.number().optional(), tail: z.number().int().nonnegative().optional(),
  })),
  'container.rename': lazySchema(() => z.object({ op: z.literal('container.rename'), ref: Ref, name: z.string() })),
  'container.update': lazySchema(() => z.object({ op: z.literal('container.update'), ref: Ref, changes: ContainerUpdated.shape.data })),
  /** `export`: the daemon writes the flattened root filesystem as a tar at `path` (absolute). */
  'container.export': lazySchema(() => z.object({ op: z.literal('container.export'), ref: Ref, path: z.string().min(1) })),
  'container.diff': lazySchema(() => z.object({ op: z.literal('container.diff'), ref: Ref })),
};

export const containerResults = {
  /** `warnings`: Docker's create warnings (settings accepted but discarded), printed by the client. */
  'container.create': lazySchema(() => z.object({ id: z.string(), name: z.string(), warnings: z.array(z.string()).optional() })),
  'container.start': Id,
  'container.stop': Id,
  'container.kill': Id,
  'container.remove': Id,
  'container.list': lazySchema(() => z.array(ContainerView)),
  'container.inspect': ContainerView,
  'container.logs': Id,
  'container.rename': Id,
  'container.update': Id,
  'container.export': Id,
  'container.diff': lazySchema(() => z.object({ changes: z.array(z.object({ kind: z.enum(['A', 'C', 'D']), path: z.string() })) })),
};
