/**
 * `POST /containers/create`'s body (Docker's Config, with HostConfig and NetworkingConfig) as
 * the same CreateOptions the CLI fills from its flags (client/createOptions.ts). Every field is
 * checked for its type here; what it means is checked where the CLI's is. Pure.
 */
import * as z from 'zod';
import { ValidationError } from '../events/errors.js';
import { checkBody } from './http.js';
import type { CreateOptions } from '../client/createOptions.js';
import { parseMountFlags, parseVolumesFrom } from '../client/mounts.js';
import type { NetworkingSpec } from '../events/networking.js';
import { parseExposeFlags, parsePublishFlags, publishSpec } from '../client/ports.js';
import type { Resources, SecurityOptions } from '../events/hostConfig.js';
import { parseLogConfig } from '../events/logDrivers.js';

const strings = z.array(z.string()).nullish();
const stringMap = z.record(z.string(), z.string()).nullish();
const int = z.number().int().nullish();

const MountBody = z.object({
  Type: z.enum(['bind', 'volume', 'tmpfs']).optional(),
  Source: z.string().optional(),
  Target: z.string(),
  ReadOnly: z.boolean().optional(),
  BindOptions: z.object({ Propagation: z.string().optional() }).nullish(),
  VolumeOptions: z.object({ NoCopy: z.boolean().optional() }).nullish(),
  TmpfsOptions: z.object({ SizeBytes: z.number().int().optional(), Mode: z.number().int().optional() }).nullish(),
});

const HostConfigBody = z.object({
  Binds: strings,
  Mounts: z.array(MountBody).nullish(),
  Tmpfs: stringMap,
  VolumesFrom: strings,
  AutoRemove: z.boolean().nullish(),
  RestartPolicy: z.object({ Name: z.enum(['', 'no', 'always', 'on-failure', 'unless-stopped']).optional(), MaximumRetryCount: z.number().int().optional() }).nullish(),
  Memory: int,
  MemorySwap: int,
  PidsLimit: int,
  NanoCpus: int,
  CpuShares: int,
  CpusetCpus: z.string().nullish(),
  BlkioWeight: int,
  NetworkMode: z.string().nullish(),
  Privileged: z.boolean().nullish(),
  ReadonlyRootfs: z.boolean().nullish(),
  /** host opts out of the daemon's --userns-remap. */
  UsernsMode: z.enum(['host', '']).nullish(),
  CapAdd: strings,
  CapDrop: strings,
  SecurityOpt: strings,
  Init: z.boolean().nullish(),
  Ulimits: z.array(z.object({ Name: z.string(), Soft: z.number().int(), Hard: z.number().int() })).nullish(),
  ExtraHosts: strings,
  /** {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}: what `-p` asks. */
  PortBindings: z.record(z.string(), z.array(z.object({ HostIp: z.string().nullish(), HostPort: z.string().nullish() })).nullish()).nullish(),
  PublishAllPorts: z.boolean().nullish(),
  Dns: strings,
  DnsSearch: strings,
  DnsOptions: strings,
  LogConfig: z.object({ Type: z.string().optional(), Config: stringMap }).nullish(),
}).passthrough();

export const CreateBody = z.object({
  Hostname: z.string().nullish(),
  User: z.string().nullish(),
  Env: strings,
  Cmd: z.union([z.array(z.string()), z.string()]).nullish(),
  Entrypoint: z.union([z.array(z.string()), z.string()]).nullish(),
  Image: z.string({ message: 'Config cannot be empty in order to create a container' }).min(1, 'Config cannot be empty in order to create a container'),
  Labels: stringMap,
  WorkingDir: z.string().nullish(),
  OpenStdin: z.boolean().nullish(),
  Tty: z.boolean().nullish(),
  StopSignal: z.string().nullish(),
  Volumes: z.record(z.string(), z.unknown()).nullish(),
  /** {"80/tcp": {}}: what `--expose` asks. */
  ExposedPorts: z.record(z.string(), z.unknown()).nullish(),
  Healthcheck: z.object({
    Test: strings, Interval: int, Timeout: int, StartPeriod: int, Retries: int,
  }).nullish(),
  HostConfig: HostConfigBody.nullish(),
  NetworkingConfig: z.object({
    EndpointsConfig: z.record(z.string(), z.object({
      Aliases: strings,
      IPAMConfig: z.object({ IPv4Address: z.string().optional(), IPv6Address: z.string().optional() }).nullish(),
    }).passthrough().nullish()).nullish(),
  }).nullish(),
}).passthrough();
export type CreateBody = z.infer<typeof CreateBody>;

const argv = (value: string[] | string | null | undefined): string[] | undefined =>
  (value === null || value === undefined ? undefined : typeof value === 'string' ? [value] : value);

/** Docker's health test: ["NONE"], ["CMD", ...], ["CMD-SHELL", "..."]; durations in ns. */
function health(body: CreateBody): CreateOptions['health'] {
  const check = body.Healthcheck;
  if (!check) return undefined;
  const ms = (ns: number | null | undefined) => (ns ? Math.max(1, Math.round(ns / 1e6)) : undefined);
  const test = check.Test ?? [];
  if (test[0] === 'NONE') return { none: true };
  const cmd = test[0] === 'CMD-SHELL' ? test[1] : test[0] === 'CMD' ? test.slice(1).join(' ') : undefined;
  return {
    ...(cmd ? { cmd } : {}),
    ...(ms(check.Interval) ? { intervalMs: ms(check.Interval) } : {}),
    ...(ms(check.Timeout) ? { timeoutMs: ms(check.Timeout) } : {}),
    ...(check.StartPeriod ? { startPeriodMs: ms(check.StartPeriod) } : {}),
    ...(check.Retries ? { retries: check.Retries } : {}),
  };
}

function mountFlag(mount: z.infer<typeof MountBody>): string {
  const parts = [`type=${mount.Type ?? 'volume'}`, `target=${mount.Target}`];
  if (mount.Source) parts.push(`source=${mount.Source}`);
  if (mount.ReadOnly) parts.push('readonly');
  if (mount.BindOptions?.Propagation) parts.push(`bind-propagation=${mount.BindOptions.Propagation}`);
  if (mount.VolumeOptions?.NoCopy) parts.push('volume-nocopy');
  if (mount.TmpfsOptions?.SizeBytes) parts.push(`tmpfs-size=${mount.TmpfsOptions.SizeBytes}`);
  if (mount.TmpfsOptions?.Mode) parts.push(`tmpfs-mode=${mount.TmpfsOptions.Mode.toString(8)}`);
  return parts.join(',');
}

function security(host: NonNullable<CreateBody['HostConfig']>, user: string | null | undefined): SecurityOptions | undefined {
  const opts = host.SecurityOpt ?? [];
  const out: SecurityOptions = {
    ...(host.CapAdd?.length ? { capAdd: host.CapAdd } : {}),
    ...(host.CapDrop?.length ? { capDrop: host.CapDrop } : {}),
    ...(host.Privileged ? { privileged: true } : {}),
    ...(host.ReadonlyRootfs ? { readOnly: true } : {}),
    ...(user ? { user } : {}),
    ...(opts.includes('no-new-privileges') || opts.includes('no-new-privileges:true') ? { noNewPrivileges: true } : {}),
    ...(opts.includes('seccomp=unconfined') || opts.includes('seccomp:unconfined') ? { seccomp: 'unconfined' as const } : {}),
    ...(host.Ulimits?.length ? { ulimits: host.Ulimits.map((u) => ({ name: u.Name, soft: u.Soft, hard: u.Hard })) } : {}),
    ...(host.NetworkMode === 'none' || host.NetworkMode === 'host' ? { network: host.NetworkMode } : {}),
  };
  return Object.keys(out).length ? out : undefined;
}

function resources(host: NonNullable<CreateBody['HostConfig']>): Resources | undefined {
  const out: Resources = {
    ...(host.NanoCpus ? { cpus: host.NanoCpus / 1e9 } : {}),
    ...(host.CpuShares ? { cpuShares: Math.min(262144, Math.max(2, host.CpuShares)) } : {}),
    ...(host.CpusetCpus ? { cpusetCpus: host.CpusetCpus } : {}),
    ...(host.MemorySwap && host.Memory ? { memorySwapBytes: host.MemorySwap } : {}),
    ...(host.BlkioWeight ? { blkioWeight: host.BlkioWeight } : {}),
  };
  return Object.keys(out).length ? out : undefined;
}

/** HostConfig.PortBindings as the `-p` values the docker CLI was given. */
function publishFlags(bindings: NonNullable<CreateBody['HostConfig']>['PortBindings']): string[] {
  return Object.entries(bindings ?? {}).flatMap(([port, binds]) => {
    const [target, protocol] = port.split('/', 2);
    return (binds?.length ? binds : [{}]).map((b) => publishSpec({ target, protocol, published: b.HostPort ?? '', host_ip: b.HostIp ?? '' }));
  });
}

function networking(body: CreateBody): NetworkingSpec | undefined {
  const host = body.HostConfig ?? {};
  const mode = host.NetworkMode ?? '';
  const endpoints = Object.entries(body.NetworkingConfig?.EndpointsConfig ?? {});
  const named = mode === '' || mode === 'default' ? endpoints[0]?.[0] : mode;
  if (named === 'none' || named === 'host') return undefined;
  const endpoint = endpoints.find(([name]) => name === named)?.[1];
  const spec: NetworkingSpec = {
    ...(named && named !== 'default' ? { network: named } : {}),
    ...(endpoint?.IPAMConfig?.IPv4Address ? { ip: endpoint.IPAMConfig.IPv4Address } : {}),
    ...(endpoint?.IPAMConfig?.IPv6Address ? { ip6: endpoint.IPAMConfig.IPv6Address } : {}),
    aliases: endpoint?.Aliases ?? [],
    extraHosts: host.ExtraHosts ?? [],
    dns: host.Dns ?? [],
    dnsSearch: host.DnsSearch ?? [],
    dnsOptions: host.DnsOptions ?? [],
  };
  const ports = parsePublishFlags(publishFlags(host.PortBindings));
  if (ports.length) spec.ports = ports;
  if (host.PublishAllPorts) spec.publishAll = true;
  const asked = spec.network || spec.ip || spec.aliases.length || spec.extraHosts.length || spec.dns.length || spec.dnsSearch.length || spec.dnsOptions.length || spec.ports || spec.publishAll;
  return asked ? spec : undefined;
}

/** The create options of a body; `name` is the `name` query. */
export function createOptionsFromBody(raw: unknown, name: string | undefined): CreateOptions {
  const body = checkBody(CreateBody, raw, 'container config');
  const host = body.HostConfig ?? {};
  const anonymous = Object.keys(body.Volumes ?? {});
  const binds = host.Binds ?? [];
  const bound = new Set([...binds.map((b) => b.split(':')[1]), ...(host.Mounts ?? []).map((m) => m.Target)]);
  const restart = host.RestartPolicy?.Name;
  const mounts = parseMountFlags({
    volume: [...binds, ...anonymous.filter((path) => !bound.has(path))],
    mount: (host.Mounts ?? []).map(mountFlag),
    tmpfs: Object.entries(host.Tmpfs ?? {}).map(([path, options]) => (options ? `${path}:${options}` : path)),
  }, '/');
  // Docker's client sends Type '' for "the daemon's default".
  const logConfig = parseLogConfig(host.LogConfig?.Type || undefined, Object.entries(host.LogConfig?.Config ?? {}));
  const entrypoint = argv(body.Entrypoint);
  return {
    image: body.Image,
    cmd: argv(body.Cmd) ?? [],
    ...(entrypoint !== undefined ? { entrypoint } : {}),
    ...(name ? { name: name.replace(/^\//, '') } : {}),
    env: body.Env ?? [],
    labels: body.Labels ?? {},
    ...(body.WorkingDir ? { workingDir: body.WorkingDir } : {}),
    ...(body.Hostname ? { hostname: body.Hostname } : {}),
    ...(body.OpenStdin ? { openStdin: true } : {}),
    ...(body.Tty ? { tty: true } : {}),
    ...(body.StopSignal ? { stopSignal: body.StopSignal } : {}),
    health: health(body),
    ...(host.Memory ? { memoryBytes: host.Memory } : {}),
    ...(host.PidsLimit && host.PidsLimit > 0 ? { pidsLimit: host.PidsLimit } : {}),
    autoRemove: host.AutoRemove ?? false,
    ...(restart && restart !== 'no' ? { restartPolicy: { name: restart, maximumRetryCount: host.RestartPolicy?.MaximumRetryCount ?? 0 } } : {}),
    mounts,
    volumesFrom: (host.VolumesFrom ?? []).map(parseVolumesFrom),
    security: security(host, body.User),
    resources: resources(host),
    ...(logConfig ? { logConfig } : {}),
    ...(host.Init ? { init: true } : {}),
    ...(host.UsernsMode ? { usernsMode: host.UsernsMode } : {}),
    constraints: [],
    networking: networking(body),
    expose: parseExposeFlags(Object.keys(body.ExposedPorts ?? {})),
  };
}

