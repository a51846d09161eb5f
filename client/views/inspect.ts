/** `inspect`'s Docker-shaped JSON of a container and of an image. Pure. */
import type { ContainerView, ImageView } from '../../events/requests.js';
import { isRunning } from '../../events/containerStatus.js';
import { logDriverOf, logOptionsOf } from '../../events/logDrivers.js';
import { networkMode, networkSettingsJson } from './networkSettings.js';
import { portBindingsJson } from './ports.js';

/** Docker's Config.Entrypoint and Config.Cmd: the argv split where the recorded entrypoint ends. */
function argvParts(config: ContainerView['config']): { Entrypoint: string[] | null; Cmd: string[] } {
  const entrypoint = config.entrypoint ?? [];
  return entrypoint.length && entrypoint.every((word, i) => config.cmd[i] === word)
    ? { Entrypoint: entrypoint, Cmd: config.cmd.slice(entrypoint.length) }
    : { Entrypoint: null, Cmd: config.cmd };
}

const iso = (ms: number | null) => (ms ? new Date(ms).toISOString() : '0001-01-01T00:00:00Z');

/** Docker's State.Health: the probe log holds the probes since the daemon started (a restart empties it). */
function health(h: NonNullable<ContainerView['health']>): object {
  const Log = (h.log ?? []).map((p) => ({ Start: iso(p.start), End: iso(p.end), ExitCode: p.exitCode, Output: p.output }));
  return { Status: h.status, FailingStreak: h.failingStreak, Log };
}

export function containerJson(v: ContainerView): object {
  return {
    Id: v.id,
    Name: `/${v.config.name}`,
    Created: iso(v.created),
    Path: v.config.cmd[0],
    Args: v.config.cmd.slice(1),
    State: {
      Status: v.status,
      Running: isRunning(v.status),
      Paused: v.status === 'paused',
      ...(v.selfFencedAt === undefined ? {} : { SelfFencedAt: iso(v.selfFencedAt) }),
      Restarting: v.status === 'restarting',
      ...(v.health ? { Health: health(v.health) } : {}),
      OOMKilled: v.oomKilled,
      Dead: v.status === 'dead',
      Pid: v.pid ?? 0,
      ExitCode: v.exitCode ?? 0,
      Error: v.error ?? '',
      StartedAt: iso(v.startedAt),
      FinishedAt: iso(v.finishedAt),
    },
    RestartCount: v.restartCount,
    ...(v.sizeRw !== undefined ? { SizeRw: v.sizeRw, SizeRootFs: v.sizeRootFs } : {}),
    Image: `sha256:${v.config.image}`,
    Host: v.host,
    Config: {
      Hostname: v.config.hostname,
      Domainname: '',
      User: v.config.security?.user ?? '',
      AttachStdin: false,
      AttachStdout: true,
      AttachStderr: true,
      Tty: v.config.tty ?? false,
      OpenStdin: v.config.openStdin ?? false,
      StdinOnce: false,
      Env: v.config.env,
      ...argvParts(v.config),
      Image: v.config.imageRef,
      WorkingDir: v.config.workingDir,
      Labels: v.config.labels,
      StopSignal: v.config.stopSignal ?? 'SIGTERM',
      ...(v.config.exposedPorts?.length ? { ExposedPorts: Object.fromEntries(v.config.exposedPorts.map((port) => [port, {}])) } : {}),
    },
    Mounts: (v.config.mounts ?? []).map((m) => ({
      Type: m.type,
      ...(m.type === 'volume' ? { Name: m.source, Source: v.volumePaths?.[m.source] ?? '', Driver: 'local' } : { Source: m.source }),
      Destination: m.destination,
      Mode: m.type === 'volume' ? 'z' : '',
      RW: !m.readOnly,
      Propagation: m.type === 'bind' ? m.propagation ?? 'rprivate' : '',
    })),
    ...networkSettingsJson(v),
    HostConfig: {
      NetworkMode: networkMode(v),
      ...portBindingsJson(v),
      Memory: v.config.memoryBytes ?? 0,
      PidsLimit: v.config.pidsLimit ?? null,
      NanoCpus: Math.round((v.config.resources?.cpus ?? 0) * 1e9),
      CpuShares: v.config.resources?.cpuShares ?? 0,
      CpusetCpus: v.config.resources?.cpusetCpus ?? '',
      BlkioWeight: v.config.resources?.blkioWeight ?? 0,
      AutoRemove: v.config.autoRemove,
      Init: v.config.init ?? null,
      RestartPolicy: { Name: v.config.restartPolicy?.name ?? 'no', MaximumRetryCount: v.config.restartPolicy?.maximumRetryCount ?? 0 },
      LogConfig: { Type: logDriverOf(v.config.logConfig), Config: logOptionsOf(v.config.logConfig) },
    },
  };
}

/**
 * `image inspect`'s Docker-shaped JSON. `containerConfig` adds Docker's ContainerConfig (the
 * image's config again), which Docker omits from API 1.45 on but which docker-compose 1.29 reads
 * when it recreates a container (KeyError 'ContainerConfig' without it); the Engine API serves it
 * at every version, since compose negotiates the newest.
 */
export function imageJson(v: ImageView, opts: { containerConfig?: boolean } = {}): object {
  const config = {
    Env: v.env, Cmd: v.cmd.length ? v.cmd : null, Entrypoint: v.entrypoint.length ? v.entrypoint : null, WorkingDir: v.workingDir,
    User: v.user ?? '', Labels: v.labels ?? null, StopSignal: v.stopSignal,
    ExposedPorts: v.exposedPorts?.length ? Object.fromEntries(v.exposedPorts.map((p) => [p, {}])) : undefined,
    Volumes: v.volumes?.length ? Object.fromEntries(v.volumes.map((p) => [p, {}])) : null,
    Healthcheck: v.healthcheck ? { Test: v.healthcheck.test, Interval: v.healthcheck.interval, Timeout: v.healthcheck.timeout, StartPeriod: v.healthcheck.startPeriod, Retries: v.healthcheck.retries } : undefined,
  };
  return {
    Id: `sha256:${v.id}`,
    RepoTags: v.tags,
    RepoDigests: v.repoDigests ?? [],
    Parent: v.parent ? `sha256:${v.parent}` : '',
    Created: v.created,
    Size: v.size,
    Author: v.author ?? '',
    // The commit or import message: the last history entry's, as Docker keeps it in the config.
    Comment: v.history?.at(-1)?.comment ?? '',
    Architecture: v.architecture ?? '',
    Os: v.os ?? '',
    Config: config,
    ...(opts.containerConfig ? { Container: '', ContainerConfig: config } : {}),
    RootFS: { Type: 'layers', Layers: v.diffIds },
    Host: v.host,
  };
}
