/**
 * The compose file's shape, checked per file after substitution and before merging: the keys
 * the Compose specification allows (schema/compose-spec.json), and the types of those berth
 * reads. An unknown key is Compose's error; a known one berth does not use is left alone. Errors
 * name the file, the path and the problem, as Docker Compose v2 prints them.
 */
import * as z from 'zod';
import { ComposeParseError } from './errors.js';

/** The service keys of the Compose specification. */
const SERVICE_KEYS = new Set(('develop deploy annotations attach build blkio_config cap_add cap_drop cgroup cgroup_parent command configs container_name cpu_count '
  + 'cpu_percent cpu_shares cpu_quota cpu_period cpu_rt_period cpu_rt_runtime cpus cpuset credential_spec depends_on device_cgroup_rules devices dns dns_opt '
  + 'dns_search domainname entrypoint env_file label_file environment expose extends provider external_links extra_hosts gpus group_add healthcheck hostname image '
  + 'init ipc isolation labels links logging mac_address mem_limit mem_reservation mem_swappiness memswap_limit network_mode models networks oom_kill_disable '
  + 'oom_score_adj pid pids_limit platform ports post_start pre_stop privileged profiles pull_policy pull_refresh_after read_only restart runtime scale '
  + 'security_opt shm_size secrets sysctls stdin_open stop_grace_period stop_signal storage_opt tmpfs tty ulimits use_api_socket user uts userns_mode volumes '
  + 'volumes_from working_dir').split(' '));
const TOP_KEYS = new Set(['version', 'name', 'include', 'services', 'models', 'networks', 'volumes', 'secrets', 'configs']);
const NETWORK_KEYS = new Set(['name', 'driver', 'driver_opts', 'ipam', 'external', 'internal', 'enable_ipv4', 'enable_ipv6', 'attachable', 'labels']);
const VOLUME_KEYS = new Set(['name', 'driver', 'driver_opts', 'external', 'labels']);

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const stringOrList = z.union([z.string(), z.array(z.string())]);
/** A list of KEY=VALUE or a mapping (environment, labels). */
const listOrDict = z.union([z.array(z.string()), z.record(z.string(), scalar.nullable())]);
const stringList = z.array(z.string());

export const ServiceSchema = z.object({
  image: z.string().optional(),
  build: z.union([z.string(), z.object({ context: z.string().optional(), dockerfile: z.string().optional(), args: listOrDict.optional(), target: z.string().optional(), labels: listOrDict.optional(), network: z.string().optional() }).loose()]).optional(),
  command: stringOrList.nullable().optional(),
  entrypoint: stringOrList.nullable().optional(),
  environment: listOrDict.optional(),
  env_file: z.union([z.string(), z.array(z.union([z.string(), z.object({ path: z.string(), required: z.boolean().optional() })]))]).optional(),
  ports: z.array(z.union([z.string(), z.number(), z.object({
    target: z.union([z.number(), z.string()]), published: z.union([z.number(), z.string()]).optional(), host_ip: z.string().optional(),
    protocol: z.string().optional(), mode: z.string().optional(), name: z.string().optional(), app_protocol: z.string().optional(),
  })])).optional(),
  expose: z.array(z.union([z.string(), z.number()])).optional(),
  volumes: z.array(z.union([z.string(), z.object({
    type: z.enum(['volume', 'bind', 'tmpfs', 'npipe', 'cluster', 'image']), source: z.string().optional(), target: z.string().optional(),
    read_only: z.boolean().optional(), bind: z.object({ create_host_path: z.boolean().optional(), propagation: z.string().optional() }).loose().optional(),
    volume: z.object({ nocopy: z.boolean().optional() }).loose().optional(), tmpfs: z.object({ size: z.union([z.number(), z.string()]).optional(), mode: z.number().optional() }).loose().optional(),
  }).loose()])).optional(),
  tmpfs: stringOrList.optional(),
  networks: z.union([stringList, z.record(z.string(), z.object({
    aliases: stringList.optional(), ipv4_address: z.string().optional(), ipv6_address: z.string().optional(), priority: z.number().optional(),
  }).loose().nullable())]).optional(),
  network_mode: z.string().optional(),
  depends_on: z.union([stringList, z.record(z.string(), z.object({
    condition: z.enum(['service_started', 'service_healthy', 'service_completed_successfully']).optional(),
    required: z.boolean().optional(), restart: z.union([z.boolean(), z.string()]).optional(),
  }))]).optional(),
  healthcheck: z.object({
    test: stringOrList.optional(), interval: z.string().optional(), timeout: z.string().optional(), start_period: z.string().optional(),
    start_interval: z.string().optional(), retries: z.number().optional(), disable: z.boolean().optional(),
  }).optional(),
  restart: z.string().optional(),
  container_name: z.string().optional(),
  hostname: z.string().optional(),
  labels: listOrDict.optional(),
  user: z.union([z.string(), z.number()]).optional(),
  working_dir: z.string().optional(),
  init: z.boolean().optional(),
  read_only: z.boolean().optional(),
  privileged: z.boolean().optional(),
  tty: z.boolean().optional(),
  stdin_open: z.boolean().optional(),
  cap_add: stringList.optional(),
  cap_drop: stringList.optional(),
  stop_signal: z.string().optional(),
  stop_grace_period: z.string().optional(),
  ulimits: z.record(z.string(), z.union([z.number(), z.string(), z.object({ soft: z.number(), hard: z.number() })])).optional(),
  extra_hosts: z.union([stringList, z.record(z.string(), z.union([z.string(), stringList]))]).optional(),
  dns: stringOrList.optional(),
  dns_search: stringOrList.optional(),
  dns_opt: stringList.optional(),
  profiles: stringList.optional(),
  scale: z.number().int().nonnegative().optional(),
  mem_limit: z.union([z.string(), z.number()]).optional(),
  pids_limit: z.number().optional(),
  cpus: z.union([z.string(), z.number()]).optional(),
  deploy: z.object({
    replicas: z.number().int().nonnegative().optional(),
    resources: z.object({ limits: z.object({ memory: z.union([z.string(), z.number()]).optional(), cpus: z.union([z.string(), z.number()]).optional(), pids: z.number().optional() }).loose().optional() }).loose().optional(),
    placement: z.object({ constraints: stringList.optional() }).loose().optional(),
  }).loose().optional(),
}).loose();
export type RawService = z.infer<typeof ServiceSchema>;

export const NetworkSchema = z.object({
  name: z.string().optional(), driver: z.string().optional(), driver_opts: z.record(z.string(), scalar).optional(),
  external: z.union([z.boolean(), z.object({ name: z.string().optional() })]).optional(), internal: z.boolean().optional(), labels: listOrDict.optional(), enable_ipv6: z.boolean().optional(),
  ipam: z.object({ driver: z.string().optional(), config: z.array(z.object({ subnet: z.string().optional(), gateway: z.string().optional() }).loose()).optional() }).loose().optional(),
}).loose().nullable();
export const VolumeSchema = z.object({
  name: z.string().optional(), driver: z.string().optional(), driver_opts: z.record(z.string(), scalar).optional(),
  external: z.union([z.boolean(), z.object({ name: z.string().optional() })]).optional(), labels: listOrDict.optional(),
}).loose().nullable();

export const FileSchema = z.object({
  version: z.string().optional(),
  name: z.string().optional(),
  services: z.record(z.string(), ServiceSchema.nullable()).optional(),
  networks: z.record(z.string(), NetworkSchema).optional(),
  volumes: z.record(z.string(), VolumeSchema).optional(),
}).loose();
export type RawFile = z.infer<typeof FileSchema>;

function extraKeys(value: unknown, allowed: Set<string>, path: string, file: string): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
  for (const key of Object.keys(value)) {
    if (!allowed.has(key) && !key.startsWith('x-')) {
      throw new ComposeParseError(`validating ${file}: ${path ? `${path} ` : ''}additional properties '${key}' not allowed`);
    }
  }
}

function typeName(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value;
}

/** One file's tree checked (after substitution); throws Compose's message for the first problem. */
export function validateFile(tree: unknown, file: string): RawFile {
  if (tree === null || typeof tree !== 'object' || Array.isArray(tree)) throw new ComposeParseError(`validating ${file}: top-level object must be a mapping`);
  extraKeys(tree, TOP_KEYS, '', file);
  const { services, networks, volumes } = tree as Record<string, unknown>;
  for (const [name, service] of Object.entries(services && typeof services === 'object' ? services : {})) extraKeys(service, SERVICE_KEYS, `services.${name}`, file);
  for (const [name, network] of Object.entries(networks && typeof networks === 'object' ? networks : {})) extraKeys(network, NETWORK_KEYS, `networks.${name}`, file);
  for (const [name, volume] of Object.entries(volumes && typeof volumes === 'object' ? volumes : {})) extraKeys(volume, VOLUME_KEYS, `volumes.${name}`, file);
  const parsed = FileSchema.safeParse(tree);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue.path.join('.');
  let found: unknown = tree;
  for (const key of issue.path) found = (found as Record<PropertyKey, unknown> | undefined)?.[key as string];
  const problem = issue.code === 'invalid_value' ? `must be one of ${issue.values.map((v) => `'${String(v)}'`).join(', ')}` : `must not be ${typeName(found)}${issue.code === 'invalid_type' ? `, it must be ${issue.expected}` : ''}`;
  throw new ComposeParseError(`validating ${file}: ${path} ${problem}`);
}
