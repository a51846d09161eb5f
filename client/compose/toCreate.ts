/**
 * A service's container as the engine's create options (client/createOptions.ts), as Docker
 * Compose v2 fills Docker's Config and HostConfig from a service. Pure.
 */
import type { RestartPolicy } from '../../events/container.js';
import type { MountSpec } from '../../events/mount.js';
import type { CreateOptions } from '../createOptions.js';
import { parseTmpfsFlag } from '../mounts.js';
import { parseExposeFlags, parsePublishFlags, publishSpec } from '../ports.js';
import { ComposeError } from './errors.js';
import { serviceImage } from './build.js';
import { containerLabels } from './labels.js';
import type { Project, Service } from './model.js';
import { parseGoDuration } from './duration.js';

function restartPolicy(text: string, service: string): RestartPolicy {
  const [name, count] = text.split(':');
  if (name === 'no' || name === 'always' || name === 'unless-stopped') return { name, maximumRetryCount: 0 };
  if (name === 'on-failure') return { name, maximumRetryCount: count === undefined ? 0 : Number(count) };
  throw new ComposeError(`service ${service}: invalid restart policy: ${text}`);
}

const quote = (word: string) => (/^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`);

function health(service: Service): CreateOptions['health'] {
  const check = service.healthcheck;
  if (!check) return undefined;
  const where = `services.${service.name}.healthcheck`;
  if (check.disable || check.test?.[0] === 'NONE') return { none: true };
  const [kind, ...rest] = check.test ?? [];
  const cmd = kind === 'CMD-SHELL' ? rest.join(' ') : kind === 'CMD' ? rest.map(quote).join(' ') : undefined;
  return {
    ...(cmd !== undefined ? { cmd } : {}),
    ...(check.interval ? { intervalMs: parseGoDuration(check.interval, `${where}.interval`) } : {}),
    ...(check.timeout ? { timeoutMs: parseGoDuration(check.timeout, `${where}.timeout`) } : {}),
    ...(check.start_period ? { startPeriodMs: parseGoDuration(check.start_period, `${where}.start_period`) } : {}),
    ...(check.retries !== undefined ? { retries: check.retries } : {}),
  };
}

function mounts(project: Project, service: Service, anonymous: Record<string, string>): MountSpec[] {
  const out: MountSpec[] = service.volumes.map((volume) => {
    if (volume.type === 'tmpfs') {
      return { type: 'tmpfs', source: '', destination: volume.target, readOnly: volume.read_only ?? false, ...(volume.tmpfs?.size ? { tmpfsSize: volume.tmpfs.size } : {}), ...(volume.tmpfs?.mode !== undefined ? { tmpfsMode: volume.tmpfs.mode } : {}) };
    }
    if (volume.type === 'bind') {
      return {
        type: 'bind', source: volume.source!, destination: volume.target, readOnly: volume.read_only ?? false,
        ...(volume.bind?.create_host_path ? { createSource: true } : {}),
        ...(volume.bind?.propagation ? { propagation: volume.bind.propagation as MountSpec['propagation'] } : {}),
      };
    }
    // An anonymous volume of the container this one replaces is mounted again (Compose keeps them over a recreate).
    const source = volume.source !== undefined ? project.volumes[volume.source].name : anonymous[volume.target] ?? '';
    return { type: 'volume', source, destination: volume.target, readOnly: volume.read_only ?? false, ...(volume.source === undefined ? { anonymous: true } : {}), ...(volume.volume?.nocopy ? { noCopy: true } : {}) };
  });
  return [...out, ...service.tmpfs.map((entry) => parseTmpfsFlag(entry))];
}

function networking(project: Project, service: Service): Pick<CreateOptions, 'networking'> & { network?: 'none' | 'host' } {
  const ports = parsePublishFlags(service.ports.map(publishSpec));
  const common = { extraHosts: service.extra_hosts, dns: service.dns, dnsSearch: service.dns_search, dnsOptions: service.dns_opt, ...(ports.length ? { ports } : {}) };
  const mode = service.network_mode;
  // Docker discards the ports of a container on the host's network or none, and refuses them
  // on another container's.
  if (mode === 'none' || mode === 'host') return { network: mode };
  if (mode !== undefined && ports.length && /^(container|service):/.test(mode)) {
    throw new ComposeError(`service ${service.name}: conflicting options: port publishing and the container type network mode (${mode})`);
  }
  if (mode !== undefined) {
    const [kind, target] = mode.split(/:(.*)/);
    if (kind === 'container') return { networking: { network: `container:${target}`, aliases: [], ...common } };
    if (kind === 'service') return { networking: { network: `container:${project.name}-${target}-1`, aliases: [], ...common } };
    return { networking: { network: mode, aliases: [], ...common } };
  }
  const [first] = Object.keys(service.networks ?? {});
  if (first === undefined) return {};
  return {
    networking: {
      network: project.networks[first].name, aliases: [service.name, ...(service.networks?.[first]?.aliases ?? [])],
      ...(service.networks?.[first]?.ipv4_address ? { ip: service.networks[first]!.ipv4_address } : {}),
      ...(service.networks?.[first]?.ipv6_address ? { ip6: service.networks[first]!.ipv6_address } : {}), ...common,
    },
  };
}

/**
 * The networks a container joins after create (all but the first), with their aliases, less
 * those it is on already (`joined`, engine names): an up cut short between a create and its
 * connects left the container on fewer.
 */
export function extraNetworks(project: Project, service: Service, joined: string[] = []): Array<{ name: string; aliases: string[]; ip?: string; ip6?: string }> {
  if (service.network_mode !== undefined) return [];
  return Object.entries(service.networks ?? {}).slice(1).map(([key, network]) => ({
    name: project.networks[key].name, aliases: [service.name, ...(network?.aliases ?? [])], ...(network?.ipv4_address ? { ip: network.ipv4_address } : {}),
    ...(network?.ipv6_address ? { ip6: network.ipv6_address } : {}),
  })).filter((network) => !joined.includes(network.name));
}

export interface ContainerPlacement {
  name: string;
  number: number;
  /** Anonymous volumes of the container being replaced, by destination. */
  anonymousVolumes?: Record<string, string>;
  /** A one-off container (`compose run`). */
  oneoff?: boolean;
  /** `compose run`: the command instead of the service's, and --rm. */
  command?: string[];
  autoRemove?: boolean;
}

/** The create options of one container of a service. */
export function serviceCreateOptions(project: Project, service: Service, placement: ContainerPlacement): CreateOptions {
  const { network, ...net } = networking(project, service);
  const security = {
    ...(service.cap_add.length ? { capAdd: service.cap_add } : {}),
    ...(service.cap_drop.length ? { capDrop: service.cap_drop } : {}),
    ...(service.privileged ? { privileged: true } : {}),
    ...(service.read_only ? { readOnly: true } : {}),
    ...(service.user !== undefined ? { user: service.user } : {}),
    ...(Object.keys(service.ulimits).length ? { ulimits: Object.entries(service.ulimits).map(([name, { soft, hard }]) => ({ name, soft, hard })) } : {}),
    ...(network ? { network } : {}),
  };
  return {
    image: serviceImage(project, service),
    cmd: placement.command ?? service.command ?? [],
    ...(service.entrypoint !== undefined ? { entrypoint: service.entrypoint ?? [] } : {}),
    name: placement.name,
    env: Object.entries(service.environment).flatMap(([key, value]) => (value === null ? [] : [`${key}=${value}`])),
    labels: containerLabels(project, service, placement.number, placement.oneoff),
    ...(service.working_dir !== undefined ? { workingDir: service.working_dir } : {}),
    ...(service.hostname !== undefined ? { hostname: service.hostname } : {}),
    ...(service.tty ? { tty: true } : {}),
    ...(service.stdin_open ? { openStdin: true } : {}),
    ...(service.stop_signal !== undefined ? { stopSignal: service.stop_signal } : {}),
    health: health(service),
    ...(service.mem_limit !== undefined ? { memoryBytes: service.mem_limit } : {}),
    ...(service.pids_limit !== undefined ? { pidsLimit: service.pids_limit } : {}),
    ...(service.cpus !== undefined ? { resources: { cpus: service.cpus } } : {}),
    autoRemove: placement.autoRemove ?? false,
    ...(service.restart !== undefined && !placement.oneoff ? { restartPolicy: restartPolicy(service.restart, service.name) } : {}),
    mounts: mounts(project, service, placement.anonymousVolumes ?? {}),
    volumesFrom: [],
    ...(Object.keys(security).length ? { security } : {}),
    ...(service.init ? { init: true } : {}),
    constraints: service.placement.map((constraint) => {
      const [key, value] = constraint.split('==').map((part) => part.trim());
      if (value === undefined) throw new ComposeError(`service ${service.name}: placement constraint "${constraint}": use key==value`);
      return { key: key.replace(/^node\.labels\./, '').replace(/^node\.hostname$/, 'host'), value };
    }),
    ...net,
    expose: parseExposeFlags(service.expose),
  };
}
