/**
 * The merged file tree as the normalised model (client/compose/model.ts): short syntaxes
 * expanded, lists as mappings, names given their project prefix, profiles applied, and the
 * model's own rules checked with Compose's messages. Pure but for `readEnvFile`.
 */
import path from 'node:path';
import { networkAddressing } from './addressing.js';
import { ComposeParseError } from './errors.js';
import type { Lookup } from './interpolate.js';
import type { Dependency, Network, Project, Service, ServiceNetwork, ServiceVolume, Volume } from './model.js';
import type { RawFile, RawService } from './schema.js';
import { splitShellWords } from './shellWords.js';
import { exposeShort, parsePortShort, parseSize, parseVolumeShort, resolveHostPath } from './shortSyntax.js';
import { publishSpec } from '../ports.js';
import { ValidationError } from '../../events/errors.js';

export interface NormalizeContext {
  name: string;
  workingDir: string;
  files: string[];
  profiles: string[];
  /** The environment and .env, for `environment: [VAR]` without a value. */
  lookup: Lookup;
  home?: string;
  /** Reads a service's env_file (absolute path); null: missing. */
  readEnvFile: (file: string) => Record<string, string> | null;
}

type ListOrDict = string[] | Record<string, string | number | boolean | null>;

/** environment and labels: a list of KEY=VALUE or a mapping, as a mapping (null: no value). */
export function toMapping(value: ListOrDict | undefined): Record<string, string | null> {
  if (!value) return {};
  if (Array.isArray(value)) {
    return Object.fromEntries(value.map((entry) => {
      const at = entry.indexOf('=');
      return at < 0 ? [entry, null] : [entry.slice(0, at), entry.slice(at + 1)];
    }));
  }
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, item === null ? null : String(item)]));
}

/** labels: a list or a mapping, as a mapping ('' for a key without a value). */
const labelMapping = (value: ListOrDict | undefined): Record<string, string> => Object.fromEntries(Object.entries(toMapping(value)).map(([key, item]) => [key, item ?? '']));
const list = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const command = (value: string | string[] | null | undefined, where: string) => (value === undefined ? undefined : value === null ? null : Array.isArray(value) ? value : splitShellWords(value, where));

function environment(raw: RawService, context: NormalizeContext): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  const files = raw.env_file === undefined ? [] : typeof raw.env_file === 'string' ? [raw.env_file] : raw.env_file;
  for (const entry of files) {
    const { path: file, required = true } = typeof entry === 'string' ? { path: entry } : entry;
    const absolute = path.resolve(context.workingDir, file);
    const values = context.readEnvFile(absolute);
    if (values === null) {
      if (required) throw new ComposeParseError(`env file ${absolute} not found: stat ${absolute}: no such file or directory`);
      continue;
    }
    Object.assign(out, values);
  }
  for (const [key, value] of Object.entries(toMapping(raw.environment))) {
    // A name without a value takes the environment's (or .env's); unset, it stays without one.
    out[key] = value ?? context.lookup(key) ?? null;
  }
  return out;
}

function volumes(raw: RawService, where: string, context: NormalizeContext): ServiceVolume[] {
  return (raw.volumes ?? []).map((entry, index) => {
    const at = `${where}.volumes[${index}]`;
    if (typeof entry === 'string') return parseVolumeShort(entry, at, context.workingDir, context.home);
    if (entry.type !== 'volume' && entry.type !== 'bind' && entry.type !== 'tmpfs') throw new ComposeParseError(`${at}: volume type ${entry.type} is not supported`);
    if (!entry.target) throw new ComposeParseError(`${at}: target is required`);
    const source = entry.type === 'bind' && entry.source ? resolveHostPath(entry.source, context.workingDir, context.home) : entry.source || undefined;
    if (entry.type === 'bind' && !source) throw new ComposeParseError(`${at}: a bind mount needs a source`);
    return {
      type: entry.type, ...(source !== undefined ? { source } : {}), target: entry.target,
      ...(entry.read_only ? { read_only: true } : {}),
      ...(entry.bind ? { bind: entry.bind } : {}),
      ...(entry.volume ? { volume: entry.volume } : {}),
      ...(entry.tmpfs ? { tmpfs: { ...(entry.tmpfs.size !== undefined ? { size: parseSize(entry.tmpfs.size, at) } : {}), ...(entry.tmpfs.mode !== undefined ? { mode: entry.tmpfs.mode } : {}) } } : {}),
    };
  });
}

function dependencies(raw: RawService): Record<string, Dependency> {
  if (!raw.depends_on) return {};
  if (Array.isArray(raw.depends_on)) return Object.fromEntries(raw.depends_on.map((name) => [name, { condition: 'service_started', restart: false, required: true }]));
  return Object.fromEntries(Object.entries(raw.depends_on).map(([name, dependency]) => [name, {
    condition: dependency.condition ?? 'service_started',
    restart: dependency.restart === true || dependency.restart === 'true',
    required: dependency.required ?? true,
  }]));
}

function serviceNetworks(raw: RawService): Record<string, ServiceNetwork | null> | undefined {
  if (raw.network_mode !== undefined) return undefined;
  if (!raw.networks) return { default: null };
  if (Array.isArray(raw.networks)) return Object.fromEntries(raw.networks.map((name) => [name, null]));
  return Object.fromEntries(Object.entries(raw.networks).map(([name, network]) => [name, network && (network.aliases || network.ipv4_address || network.ipv6_address)
    ? {
      ...(network.aliases ? { aliases: network.aliases } : {}), ...(network.ipv4_address ? { ipv4_address: network.ipv4_address } : {}),
      ...(network.ipv6_address ? { ipv6_address: network.ipv6_address } : {}),
    }
    : null]));
}

function service(name: string, raw: RawService, context: NormalizeContext): Service {
  const where = `services.${name}`;
  const build = raw.build === undefined ? undefined : typeof raw.build === 'string' ? { context: raw.build } : { context: raw.build.context ?? '.', ...raw.build };
  if (raw.image === undefined && build === undefined) throw new ComposeParseError(`service "${name}" has neither an image nor a build context specified: invalid compose project`);
  if (raw.network_mode !== undefined && raw.networks !== undefined) throw new ComposeParseError(`service ${name} declares mutually exclusive \`network_mode\` and \`networks\`: invalid compose project`);
  const limits = raw.deploy?.resources?.limits;
  const memory = limits?.memory ?? raw.mem_limit;
  const cpus = limits?.cpus ?? raw.cpus;
  const pids = limits?.pids ?? raw.pids_limit;
  const health = raw.healthcheck;
  return {
    name,
    ...(raw.image !== undefined ? { image: raw.image } : {}),
    ...(build ? { build: {
      context: !/^[a-z]+:\/\//.test(build.context) ? resolveHostPath(build.context, context.workingDir, context.home) : build.context,
      ...(build.dockerfile ? { dockerfile: build.dockerfile } : {}),
      ...(build.args ? { args: Object.fromEntries(Object.entries(toMapping(build.args)).map(([key, value]) => [key, value ?? context.lookup(key) ?? ''])) } : {}),
      ...(build.target ? { target: build.target } : {}),
      ...(build.labels ? { labels: labelMapping(build.labels) } : {}),
      ...(build.network ? { network: build.network } : {}),
    } } : {}),
    ...(raw.command !== undefined ? { command: command(raw.command, `${where}.command`) } : {}),
    ...(raw.entrypoint !== undefined ? { entrypoint: command(raw.entrypoint, `${where}.entrypoint`) } : {}),
    environment: environment(raw, context),
    ports: (raw.ports ?? []).flatMap((entry, index) => (typeof entry === 'object'
      ? parsePortShort(publishSpec(entry), `${where}.ports[${index}]`).map((port) => ({ ...port, mode: entry.mode === 'host' ? 'host' as const : 'ingress' as const }))
      : parsePortShort(entry, `${where}.ports[${index}]`))),
    expose: (raw.expose ?? []).map((entry, index) => exposeShort(entry, `${where}.expose[${index}]`)),
    volumes: volumes(raw, where, context),
    tmpfs: list(raw.tmpfs),
    ...(raw.network_mode !== undefined ? { network_mode: raw.network_mode } : { networks: serviceNetworks(raw) }),
    depends_on: dependencies(raw),
    ...(health ? { healthcheck: {
      ...(health.test !== undefined ? { test: typeof health.test === 'string' ? ['CMD-SHELL', health.test] : health.test } : {}),
      ...(health.interval ? { interval: health.interval } : {}), ...(health.timeout ? { timeout: health.timeout } : {}),
      ...(health.start_period ? { start_period: health.start_period } : {}), ...(health.retries !== undefined ? { retries: health.retries } : {}),
      ...(health.disable ? { disable: true } : {}),
    } } : {}),
    ...(raw.restart !== undefined ? { restart: raw.restart } : {}),
    ...(raw.container_name !== undefined ? { container_name: raw.container_name } : {}),
    ...(raw.hostname !== undefined ? { hostname: raw.hostname } : {}),
    labels: labelMapping(raw.labels),
    ...(raw.user !== undefined ? { user: String(raw.user) } : {}),
    ...(raw.working_dir !== undefined ? { working_dir: raw.working_dir } : {}),
    ...(raw.init !== undefined ? { init: raw.init } : {}),
    ...(raw.read_only !== undefined ? { read_only: raw.read_only } : {}),
    ...(raw.privileged !== undefined ? { privileged: raw.privileged } : {}),
    ...(raw.tty !== undefined ? { tty: raw.tty } : {}),
    ...(raw.stdin_open !== undefined ? { stdin_open: raw.stdin_open } : {}),
    cap_add: raw.cap_add ?? [],
    cap_drop: raw.cap_drop ?? [],
    ...(raw.stop_signal !== undefined ? { stop_signal: raw.stop_signal } : {}),
    ...(raw.stop_grace_period !== undefined ? { stop_grace_period: raw.stop_grace_period } : {}),
    ulimits: Object.fromEntries(Object.entries(raw.ulimits ?? {}).map(([key, value]) => [key, typeof value === 'object' ? value : { soft: Number(value), hard: Number(value) }])),
    extra_hosts: Array.isArray(raw.extra_hosts) ? raw.extra_hosts.map((entry) => entry.replace('=', ':'))
      : Object.entries(raw.extra_hosts ?? {}).flatMap(([host, ips]) => list(ips).map((ip) => `${host}:${ip}`)),
    dns: list(raw.dns),
    dns_search: list(raw.dns_search),
    dns_opt: raw.dns_opt ?? [],
    profiles: raw.profiles ?? [],
    scale: raw.deploy?.replicas ?? raw.scale ?? 1,
    ...(memory !== undefined ? { mem_limit: parseSize(memory, `${where}.mem_limit`) } : {}),
    ...(pids !== undefined ? { pids_limit: pids } : {}),
    ...(cpus !== undefined ? { cpus: Number(cpus) } : {}),
    placement: raw.deploy?.placement?.constraints ?? [],
  };
}

const external = (value: boolean | { name?: string } | undefined): boolean => value !== undefined && value !== false;

/** The merged tree as the project, after Compose's checks. */
export function normalize(file: RawFile, context: NormalizeContext): Project {
  const all = Object.entries(file.services ?? {}).map(([name, raw]) => service(name, raw ?? {}, context));
  const active = all.filter((entry) => entry.profiles.length === 0 || entry.profiles.some((profile) => context.profiles.includes(profile) || context.profiles.includes('*')));
  const services = Object.fromEntries(active.map((entry) => [entry.name, entry]));
  const disabled = all.filter((entry) => !services[entry.name]).map((entry) => entry.name);
  for (const entry of active) {
    for (const [dependency, { required }] of Object.entries(entry.depends_on)) {
      if (services[dependency]) continue;
      if (!required) { delete entry.depends_on[dependency]; continue; }
      if (disabled.includes(dependency)) throw new ComposeParseError(`service "${entry.name}" depends on undefined service "${dependency}": invalid compose project (it is in an inactive profile)`);
      throw new ComposeParseError(`service "${entry.name}" depends on undefined service "${dependency}": invalid compose project`);
    }
  }
  const networks: Record<string, Network> = {};
  const rawNetworks = { ...file.networks };
  if (active.some((entry) => entry.networks && 'default' in entry.networks) && !('default' in rawNetworks)) rawNetworks.default = null;
  for (const [key, raw] of Object.entries(rawNetworks)) {
    const isExternal = external(raw?.external);
    const externalName = typeof raw?.external === 'object' ? raw.external.name : undefined;
    const ipam = (raw?.ipam?.config ?? []).map((entry) => ({ ...(entry.subnet ? { subnet: entry.subnet } : {}), ...(entry.gateway ? { gateway: entry.gateway } : {}) }))
      .filter((entry) => entry.subnet || entry.gateway);
    networks[key] = {
      name: externalName ?? raw?.name ?? (isExternal ? key : `${context.name}_${key}`),
      external: isExternal,
      ...(raw?.driver ? { driver: raw.driver } : {}),
      ...(raw?.internal ? { internal: true } : {}),
      labels: labelMapping(raw?.labels),
      driver_opts: Object.fromEntries(Object.entries(raw?.driver_opts ?? {}).map(([k, v]) => [k, String(v)])),
      ...(raw?.enable_ipv6 ? { enable_ipv6: true } : {}),
      ...(ipam.length ? { ipam: { config: ipam } } : {}),
    };
    try {
      networkAddressing(networks[key]);
    } catch (error) {
      if (error instanceof ValidationError) throw new ComposeParseError(`networks.${key}: ${error.message}`);
      throw error;
    }
  }
  const volumes: Record<string, Volume> = {};
  for (const [key, raw] of Object.entries(file.volumes ?? {})) {
    const isExternal = external(raw?.external);
    const externalName = typeof raw?.external === 'object' ? raw.external.name : undefined;
    volumes[key] = {
      name: externalName ?? raw?.name ?? (isExternal ? key : `${context.name}_${key}`),
      external: isExternal,
      ...(raw?.driver ? { driver: raw.driver } : {}),
      labels: labelMapping(raw?.labels),
      driver_opts: Object.fromEntries(Object.entries(raw?.driver_opts ?? {}).map(([k, v]) => [k, String(v)])),
    };
  }
  for (const entry of active) {
    for (const name of Object.keys(entry.networks ?? {})) {
      if (!networks[name]) throw new ComposeParseError(`service "${entry.name}" refers to undefined network ${name}: invalid compose project`);
    }
    for (const volume of entry.volumes) {
      if (volume.type === 'volume' && volume.source !== undefined && !volumes[volume.source]) {
        throw new ComposeParseError(`service "${entry.name}" refers to undefined volume ${volume.source}: invalid compose project`);
      }
    }
  }
  return { name: context.name, workingDir: context.workingDir, files: context.files, services, disabled, networks, volumes };
}
