/**
 * The convergence of `up`, as a pure function: the project as the files want it, against what
 * exists (containers found by their compose labels, networks and volumes by name), gives the
 * actions that make them agree. An unchanged container is kept, a changed one (another config
 * hash) recreated, a stopped one started, containers beyond the scale removed, and containers of
 * services no longer in the file are orphans. Services come in start order, each with the
 * dependencies it waits for.
 */
import { hasStatusTag } from '../../events/containerStatus.js';
import { configHash, containerName, LABEL } from './labels.js';
import type { DependencyCondition, Network, Project, Volume } from './model.js';
import { startOrder, withDependencies } from './order.js';
import { serviceImage } from './build.js';

/** A container as the planner sees it (from `container.list`). */
export interface ExistingContainer {
  id: string;
  name: string;
  labels: Record<string, string>;
  /** running, exited, created, paused, restarting... */
  status: string;
  /** The id of the image it runs. */
  image?: string;
}

export interface UpOptions {
  /** The services named on the command line (with their dependencies); empty: all. */
  services: string[];
  forceRecreate: boolean;
  noRecreate: boolean;
  removeOrphans: boolean;
  /** --scale SERVICE=N. */
  scale: Record<string, number>;
}

export type ContainerStep =
  | { kind: 'create'; number: number; name: string }
  | { kind: 'recreate'; number: number; name: string; container: ExistingContainer }
  | { kind: 'start'; container: ExistingContainer }
  | { kind: 'keep'; container: ExistingContainer }
  | { kind: 'remove'; container: ExistingContainer };

export interface ServicePlan {
  service: string;
  /** The dependencies to wait for before this service's containers start. */
  waitFor: Array<{ service: string; condition: DependencyCondition; required: boolean }>;
  steps: ContainerStep[];
}

export interface UpPlan {
  networks: Array<{ key: string; network: Network }>;
  volumes: Array<{ key: string; volume: Volume }>;
  services: ServicePlan[];
  /** Containers of the project whose service is not in the file. */
  orphans: ExistingContainer[];
  removeOrphans: boolean;
}

/** The project's containers (not one-off ones), by service. */
export function projectContainers(project: string, containers: ExistingContainer[]): ExistingContainer[] {
  return containers.filter((container) => container.labels[LABEL.project] === project && container.labels[LABEL.oneoff] !== 'True');
}

const numberOf = (container: ExistingContainer) => Number(container.labels[LABEL.number] ?? 0);

function planService(project: Project, name: string, existing: ExistingContainer[], options: UpOptions): ContainerStep[] {
  const service = project.services[name];
  const scale = options.scale[name] ?? service.scale;
  const hash = configHash(service, project);
  const mine = existing.filter((container) => container.labels[LABEL.service] === name).sort((a, b) => numberOf(a) - numberOf(b));
  const kept = mine.slice(0, scale);
  const steps: ContainerStep[] = mine.slice(scale).reverse().map((container) => ({ kind: 'remove', container }));
  for (const container of kept) {
    const changed = container.labels[LABEL.configHash] !== hash;
    if (!options.noRecreate && (options.forceRecreate || changed)) {
      steps.push({ kind: 'recreate', number: numberOf(container), name: containerName(project, service, numberOf(container)), container });
    } else if (hasStatusTag(container.status, 'wanted')) {
      steps.push({ kind: 'keep', container });
    } else {
      steps.push({ kind: 'start', container });
    }
  }
  const used = new Set(kept.map(numberOf));
  for (let number = 1; used.size < scale; number++) {
    if (used.has(number)) continue;
    used.add(number);
    steps.push({ kind: 'create', number, name: containerName(project, service, number) });
  }
  return steps;
}

/** What `up` does, given what exists. */
export function planUp(project: Project, existing: { containers: ExistingContainer[]; networks: string[]; volumes: string[] }, options: UpOptions): UpPlan {
  const wanted = withDependencies(project, options.services);
  const containers = projectContainers(project.name, existing.containers);
  const used = [...wanted].map((name) => project.services[name]);
  const networkKeys = new Set(used.flatMap((service) => Object.keys(service.networks ?? {})));
  const volumeKeys = new Set(used.flatMap((service) => service.volumes.flatMap((volume) => (volume.type === 'volume' && volume.source ? [volume.source] : []))));
  return {
    networks: [...networkKeys].sort().map((key) => ({ key, network: project.networks[key] }))
      .filter(({ network }) => !network.external && !existing.networks.includes(network.name)),
    volumes: [...volumeKeys].sort().map((key) => ({ key, volume: project.volumes[key] }))
      .filter(({ volume }) => !volume.external && !existing.volumes.includes(volume.name)),
    services: startOrder(project).filter((name) => wanted.has(name)).map((name) => ({
      service: name,
      waitFor: Object.entries(project.services[name].depends_on).map(([service, { condition, required }]) => ({ service, condition, required })),
      steps: planService(project, name, containers, options),
    })),
    orphans: containers.filter((container) => !project.services[container.labels[LABEL.service] ?? '']),
    removeOrphans: options.removeOrphans,
  };
}

export interface DownPlan {
  /** Containers to stop and remove, dependents first. */
  containers: ExistingContainer[];
  orphans: ExistingContainer[];
  /** Engine names of the project's own networks (not external ones). */
  networks: string[];
  /** With -v: the project's own named volumes. */
  volumes: string[];
  /** With --rmi: the images to remove, as the services name them (downImages). */
  images: string[];
}

/** `down --rmi`'s modes: local, the images built under Compose's default name (no `image:`); all, every service's image. */
export type RemoveImages = 'local' | 'all';

/** The images `down --rmi` removes (Compose v2): each service's image by its mode, each once. */
export function downImages(project: Project, mode: RemoveImages | undefined): string[] {
  if (mode === undefined) return [];
  const services = Object.values(project.services).filter((service) => mode === 'all' || service.image === undefined);
  return [...new Set(services.map((service) => serviceImage(project, service)))];
}

/** What `down` does: containers in reverse start order, then the networks, and with -v the volumes. */
export function planDown(project: Project, containers: ExistingContainer[], options: { volumes: boolean; removeOrphans: boolean; images?: RemoveImages }): DownPlan {
  const mine = projectContainers(project.name, containers);
  const order = startOrder(project).reverse();
  const rank = (container: ExistingContainer) => order.indexOf(container.labels[LABEL.service] ?? '');
  const orphans = mine.filter((container) => rank(container) < 0);
  return {
    containers: [...(options.removeOrphans ? orphans : []), ...mine.filter((container) => rank(container) >= 0).sort((a, b) => rank(a) - rank(b) || numberOf(b) - numberOf(a))],
    orphans: options.removeOrphans ? [] : orphans,
    networks: Object.values(project.networks).filter((network) => !network.external).map((network) => network.name),
    volumes: options.volumes ? Object.values(project.volumes).filter((volume) => !volume.external).map((volume) => volume.name) : [],
    images: downImages(project, options.images),
  };
}
