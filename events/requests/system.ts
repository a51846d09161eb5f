/** System requests (berth.cmd.<host>.system) and their results. */
import * as z from 'zod';
import { PlacementConstraint } from '../container.js';
import { LogDriver } from '../hostConfig.js';
import { lazySchema } from '../lazySchema.js';

/** Where one of the daemon's settings came from: a flag wins, then the environment, then the config file. */
export const SettingSource = lazySchema(() => z.enum(['flag', 'env', 'file', 'default']));
export type SettingSource = z.infer<typeof SettingSource>;

/** What an acknowledged event survives (actors/durability.ts, docs/ARCHITECTURE.md "Durability"). */
export const Durability = lazySchema(() => z.object({
  /** The events stream's copies, each on its own nats-server node. */
  replicas: z.number(),
  /** `single`: one copy; `replicated`: a copy on each of several nodes. */
  setup: z.enum(['single', 'replicated']),
  /** The guarantee, in one sentence. */
  guarantee: z.string(),
}));
export type Durability = z.infer<typeof Durability>;

/** What `berth info` shows (the CLI prints it with Docker's names). */
export const InfoView = lazySchema(() => z.object({
  id: z.string(),
  name: z.string(),
  serverVersion: z.string(),
  containers: z.number(),
  containersRunning: z.number(),
  containersPaused: z.number(),
  containersStopped: z.number(),
  images: z.number(),
  volumes: z.number(),
  cgroupVersion: z.enum(['1', '2']),
  kernelVersion: z.string(),
  operatingSystem: z.string(),
  architecture: z.string(),
  cpus: z.number(),
  memoryBytes: z.number(),
  rootDir: z.string(),
  runRoot: z.string(),
  /** The daemon's pid. */
  pid: z.number(),
  /** The config file the daemon read (null: none, the default /etc/berth/daemon.json being absent). */
  configFile: z.string().nullable(),
  /** Where each setting came from, by its daemon.json key. */
  settingSources: z.record(z.string(), SettingSource),
  /** The default log driver of new containers (absent from daemons before log drivers: json-file). */
  loggingDriver: LogDriver.optional(),
  /** What an acknowledged event survives (absent from daemons before it was reported). */
  durability: Durability.optional(),
}));
export type InfoView = z.infer<typeof InfoView>;

/** The facts `system df` sums up (cli/diskUsage.ts): shared layers are counted once. */
export const DiskUsageView = lazySchema(() => z.object({
  /** Bytes of each unpacked layer, by chain id. */
  layers: z.record(z.string(), z.number()),
  images: z.array(z.object({ id: z.string(), tags: z.array(z.string()), created: z.string(), chainIds: z.array(z.string()), containers: z.number() })),
  containers: z.array(z.object({ id: z.string(), name: z.string(), image: z.string(), status: z.string(), created: z.number(), size: z.number() })),
  volumes: z.array(z.object({ name: z.string(), size: z.number(), links: z.number() })),
}));
export type DiskUsageView = z.infer<typeof DiskUsageView>;

export const systemRequests = {
  /**
   * Whether the daemon is up. `holds`: the id of a request the caller waits for; the answer then
   * says whether this daemon process has that request in hand (client/survivingRequest.ts).
   */
  'system.ping': lazySchema(() => z.object({ op: z.literal('system.ping'), holds: z.string().optional() })),
  'system.info': lazySchema(() => z.object({ op: z.literal('system.info') })),
  'system.df': lazySchema(() => z.object({ op: z.literal('system.df') })),
  /** Which host of the cluster a new container with these constraints goes to (actors/placement.ts). */
  'system.place': lazySchema(() => z.object({ op: z.literal('system.place'), constraints: z.array(PlacementConstraint) })),
  /**
   * One part of a reply too large for one message (Reply `ok: 'chunked'`): `of` is the id of
   * the request it answers, `part` counts from 0. The host keeps the parts for a minute.
   */
  'system.reply_part': lazySchema(() => z.object({ op: z.literal('system.reply_part'), of: z.string(), part: z.number().int().nonnegative() })),
};

export const systemResults = {
  /** `holds`: whether the request named in the ping is being handled by this process (absent when none was named, or from an older daemon). */
  'system.ping': lazySchema(() => z.object({ host: z.string(), version: z.string(), pid: z.number(), holds: z.boolean().optional() })),
  'system.info': InfoView,
  'system.df': DiskUsageView,
  'system.place': lazySchema(() => z.object({ host: z.string() })),
  'system.reply_part': lazySchema(() => z.instanceof(Uint8Array)),
};
