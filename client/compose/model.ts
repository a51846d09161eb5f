/**
 * The normalised compose model, what `compose config` prints and what the planner reads:
 * every short syntax expanded, lists as mappings, durations and paths resolved.
 */

export type DependencyCondition = 'service_started' | 'service_healthy' | 'service_completed_successfully';

export interface Dependency {
  condition: DependencyCondition;
  /** Restart this service when the dependency is restarted (compose's `restart`). */
  restart: boolean;
  /** false: a missing or failed dependency is a warning, not an error. */
  required: boolean;
}

export interface ServicePort {
  /** The container's port (or the first of a range). */
  target: number;
  /** The host's port or range; absent: any free one. */
  published?: string;
  host_ip?: string;
  protocol: string;
  mode: 'ingress' | 'host';
}

export interface ServiceVolume {
  type: 'volume' | 'bind' | 'tmpfs';
  /** volume: the name in the file (top-level key); bind: an absolute host path; absent: anonymous volume or tmpfs. */
  source?: string;
  target: string;
  read_only?: boolean;
  bind?: { create_host_path?: boolean; propagation?: string };
  volume?: { nocopy?: boolean };
  tmpfs?: { size?: number; mode?: number };
}

export interface ServiceNetwork {
  aliases?: string[];
  ipv4_address?: string;
  ipv6_address?: string;
}

export interface Healthcheck {
  test?: string[];
  interval?: string;
  timeout?: string;
  start_period?: string;
  retries?: number;
  disable?: boolean;
}

export interface Service {
  name: string;
  image?: string;
  /** Built by berth's builder: the context (absolute, or a URL), the Dockerfile relative to it, and the build's options. */
  build?: { context: string; dockerfile?: string; args?: Record<string, string>; target?: string; labels?: Record<string, string>; network?: string };
  command?: string[] | null;
  entrypoint?: string[] | null;
  environment: Record<string, string | null>;
  ports: ServicePort[];
  expose: string[];
  volumes: ServiceVolume[];
  tmpfs: string[];
  /** Absent when network_mode is set. */
  networks?: Record<string, ServiceNetwork | null>;
  network_mode?: string;
  depends_on: Record<string, Dependency>;
  healthcheck?: Healthcheck;
  restart?: string;
  container_name?: string;
  hostname?: string;
  labels: Record<string, string>;
  user?: string;
  working_dir?: string;
  init?: boolean;
  read_only?: boolean;
  privileged?: boolean;
  tty?: boolean;
  stdin_open?: boolean;
  cap_add: string[];
  cap_drop: string[];
  stop_signal?: string;
  stop_grace_period?: string;
  ulimits: Record<string, { soft: number; hard: number }>;
  extra_hosts: string[];
  dns: string[];
  dns_search: string[];
  dns_opt: string[];
  profiles: string[];
  /** deploy.replicas or scale; 1 by default. */
  scale: number;
  mem_limit?: number;
  pids_limit?: number;
  cpus?: number;
  placement: string[];
}

export interface Network {
  /** The engine's name: `<project>_<key>`, or `name:`, or the external one's. */
  name: string;
  external: boolean;
  driver?: string;
  internal?: boolean;
  labels: Record<string, string>;
  driver_opts: Record<string, string>;
  /** The compose file's, as it wrote them (`config` prints them back); `networkAddressing` reads them. */
  enable_ipv6?: boolean;
  ipam?: { config: Array<{ subnet?: string; gateway?: string }> };
}

export interface Volume {
  name: string;
  external: boolean;
  driver?: string;
  labels: Record<string, string>;
  driver_opts: Record<string, string>;
}

export interface Project {
  name: string;
  /** The project's directory: relative paths in the files are resolved against it. */
  workingDir: string;
  /** The compose files, absolute, in the order given. */
  files: string[];
  /** The active services, by name; services of inactive profiles are left out. */
  services: Record<string, Service>;
  /** Every declared service name, active or not (a disabled dependency is named as such). */
  disabled: string[];
  networks: Record<string, Network>;
  volumes: Record<string, Volume>;
}
