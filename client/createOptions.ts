/**
 * A new container as typed options, close to the meaning of Docker's Config and HostConfig so
 * that the CLI (from its flags) and an API server (from a JSON body) fill the same thing, and
 * the create request built from them with Docker's checks and messages. Pure.
 */
import { randomBytes } from 'node:crypto';
import type { PlacementConstraint, RestartPolicy } from '../events/container.js';
import { ValidationError } from '../events/errors.js';
import type { LogConfig, Resources, SecurityOptions } from '../events/hostConfig.js';
import type { MountSpec } from '../events/mount.js';
import type { CreateSpec } from '../events/requests.js';
import { normalizeReference } from '../runtime/images/reference.js';
import type { NetworkingSpec } from '../events/networking.js';

/** Docker's lowest memory limit. */
const MINIMUM_MEMORY_BYTES = 6 * 1024 * 1024;
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export interface CreateOptions {
  /** Config.Image: the reference as given. */
  image: string;
  /** Config.Cmd; empty: the image's. */
  cmd: string[];
  /** Config.Entrypoint: replaces the image's ([] clears it); absent: the image's. */
  entrypoint?: string[];
  /** The name (the API's `name` query); absent: one is made up. */
  name?: string;
  /** The id, chosen by the client so that it can follow the container before it exists; absent: a new one. */
  id?: string;
  /** Config.Env: KEY=VALUE. */
  env: string[];
  /** Config.Labels. */
  labels: Record<string, string>;
  /** Config.WorkingDir: absolute. */
  workingDir?: string;
  /** Config.Hostname. */
  hostname?: string;
  /** Config.OpenStdin and Config.Tty. */
  openStdin?: boolean;
  tty?: boolean;
  /** Config.StopSignal: a signal name. */
  stopSignal?: string;
  /** Config.Healthcheck; the image's fills what it leaves out. */
  health?: CreateSpec['health'];
  /** HostConfig.Memory and PidsLimit. */
  memoryBytes?: number;
  pidsLimit?: number;
  /** HostConfig.AutoRemove (--rm). */
  autoRemove: boolean;
  /** HostConfig.RestartPolicy. */
  restartPolicy?: RestartPolicy;
  /** HostConfig.Binds, Mounts and Tmpfs, parsed (client/mounts.ts). */
  mounts: MountSpec[];
  /** HostConfig.VolumesFrom, parsed (client/mounts.ts). */
  volumesFrom: Array<{ container: string; mode: 'ro' | 'rw' | '' }>;
  /** HostConfig's capabilities, privileges, seccomp, user, ulimits and network mode. */
  security?: SecurityOptions;
  /** HostConfig's CPU, cpuset, swap and io limits. */
  resources?: Resources;
  /** HostConfig.LogConfig (json-file's max-size and max-file). */
  logConfig?: LogConfig;
  /** HostConfig.Init. */
  init?: boolean;
  /** Where placement may put it in a cluster; recorded for rescheduling. */
  constraints: PlacementConstraint[];
  /** --network and the flags that go with it: networks, addresses, aliases, names and resolvers. */
  networking?: NetworkingSpec;
  /** Config.ExposedPorts (--expose, parsed: client/ports.ts): exposed besides the image's. */
  expose?: string[];
  /** HostConfig.UsernsMode: 'host' opts out of the daemon's --userns-remap. */
  usernsMode?: 'host' | '';
}

/** The create request for these options, after Docker's checks (one clear message each). */
export function buildCreateRequest(options: CreateOptions): CreateSpec {
  normalizeReference(options.image);
  if (options.workingDir !== undefined && !options.workingDir.startsWith('/')) {
    throw new ValidationError(`the working directory '${options.workingDir}' is invalid, it needs to be an absolute path`);
  }
  if (options.name !== undefined && !NAME.test(options.name)) {
    throw new ValidationError(`Invalid container name (${options.name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  }
  if (options.autoRemove && options.restartPolicy && options.restartPolicy.name !== 'no') {
    throw new ValidationError('Conflicting options: --restart and --rm');
  }
  if (options.memoryBytes !== undefined && options.memoryBytes < MINIMUM_MEMORY_BYTES) {
    throw new ValidationError('Minimum memory limit allowed is 6MB');
  }
  return {
    id: options.id ?? randomBytes(32).toString('hex'),
    name: options.name,
    imageRef: options.image,
    cmd: options.cmd,
    ...(options.entrypoint !== undefined ? { entrypoint: options.entrypoint } : {}),
    env: options.env,
    workingDir: options.workingDir,
    hostname: options.hostname,
    memoryBytes: options.memoryBytes,
    pidsLimit: options.pidsLimit,
    autoRemove: options.autoRemove,
    labels: options.labels,
    restartPolicy: options.restartPolicy,
    mounts: options.mounts,
    volumesFrom: options.volumesFrom,
    security: options.security,
    resources: options.resources,
    health: options.health,
    ...(options.openStdin ? { openStdin: true } : {}),
    ...(options.tty ? { tty: true } : {}),
    ...(options.logConfig ? { logConfig: options.logConfig } : {}),
    ...(options.init ? { init: true } : {}),
    ...(options.stopSignal !== undefined ? { stopSignal: options.stopSignal } : {}),
    ...(options.constraints.length ? { constraints: options.constraints } : {}),
    ...(options.networking ? { networking: options.networking } : {}),
    ...(options.expose?.length ? { expose: options.expose } : {}),
    ...(options.usernsMode !== undefined ? { usernsMode: options.usernsMode } : {}),
  };
}
