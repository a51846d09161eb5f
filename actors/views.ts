/** What clients see of the entities: the views that `ps`, `inspect` and `images` print. */
import type { ContainerView, ImageView } from '../events/requests.js';
import type { ContainerState } from './container/state.js';
import type { ImageState } from './image/state.js';

export function containerView(state: ContainerState): ContainerView {
  return {
    id: state.id,
    host: state.host,
    status: state.status,
    config: state.config!,
    created: state.created,
    pid: state.pid,
    exitCode: state.exitCode,
    oomKilled: state.oomKilled,
    error: state.error,
    startedAt: state.startedAt,
    finishedAt: state.finishedAt,
    restartCount: state.restartCount,
    health: state.health,
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
  };
}
