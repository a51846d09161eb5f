/** What clients see of the entities: the views that `ps`, `inspect` and `images` print. */
import type { ContainerView, ImageView } from '../events/requests.js';
import type { ContainerState } from './container/state.js';
import type { ImageState } from './image/state.js';
import type { ContainerConfig } from '../events/container.js';
import type { HealthView } from '../events/health.js';
import { openEnv } from '../runtime/secrets/env.js';
import type { SecretBox } from '../runtime/secrets/secretBox.js';

/**
 * The config as the client that asked sees it: the env whole, its sealed part opened (the
 * client may read it; other hosts may not: the reply goes to its inbox alone). A part this
 * host cannot open (its key lost) is left out, and the clear part shown.
 */
function clientConfig(config: ContainerConfig, secrets: SecretBox): ContainerConfig {
  const { sealedEnv, ...clear } = config;
  if (!sealedEnv) return config;
  try {
    return { ...clear, env: openEnv(secrets, config) };
  } catch {
    return clear;
  }
}

/**
 * `live`: the health monitor's view of a container it probes; without it (no probe since the
 * daemon started) the status and streak of the last recorded change, and no probe log.
 * `selfFencedAt`: when its host froze it, cut off from the cluster (actors/fencing/selfFencing.ts): it shows as paused.
 */
export function containerView(state: ContainerState, secrets: SecretBox, live?: HealthView, selfFencedAt?: number): ContainerView {
  return {
    id: state.id,
    host: state.host,
    status: selfFencedAt === undefined ? state.status : 'paused',
    ...(selfFencedAt === undefined ? {} : { selfFencedAt }),
    config: clientConfig(state.config!, secrets),
    created: state.created,
    pid: state.pid,
    exitCode: state.exitCode,
    oomKilled: state.oomKilled,
    error: state.error,
    startedAt: state.startedAt,
    finishedAt: state.finishedAt,
    restartCount: state.restartCount,
    health: state.health && (live ?? { ...state.health, log: [] }),
  };
}

export function imageView(state: ImageState): ImageView {
  const record = state.record!;
  return {
    id: state.id,
    host: state.host,
    tags: state.tags,
    size: record.size,
    created: record.created,
    diffIds: record.diffIds,
    env: record.env,
    cmd: record.cmd,
    entrypoint: record.entrypoint,
    workingDir: record.workingDir,
    user: record.user,
    labels: record.labels,
    exposedPorts: record.exposedPorts,
    volumes: record.volumes,
    stopSignal: record.stopSignal,
    healthcheck: record.healthcheck,
    architecture: record.architecture,
    os: record.os,
    history: record.history,
    repoDigests: record.repoDigests,
    author: record.author,
    parent: record.parent,
  };
}
