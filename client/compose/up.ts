/**
 * `compose up` carried out through the engine client: the plan's networks and volumes, the
 * images that are missing built (`build:`) or pulled, then each service in start order, after waiting for the
 * dependencies it names, its containers kept, started, created or recreated (a recreated
 * container gets its predecessor's anonymous volumes), and the orphans removed when asked.
 */
import { NotFoundError } from '../../events/errors.js';
import type { ContainerView } from '../../events/requests.js';
import { buildCreateRequest } from '../createOptions.js';
import type { EngineClient } from '../engineClient.js';
import { networkAddressing } from './addressing.js';
import { ComposeError } from './errors.js';
import { runBuild, serviceBuild, serviceImage, type ServiceBuilder } from './build.js';
import { containerName, LABEL, resourceLabels } from './labels.js';
import type { Project } from './model.js';
import type { ContainerStep, ExistingContainer, UpPlan } from './plan.js';
import { extraNetworks, serviceCreateOptions } from './toCreate.js';
import { waitCondition } from './waitCondition.js';
import { stopTimeoutSeconds } from './stop.js';

/** Progress as Compose prints it: ` Container app-web-1  Started`; `Warning`: one line of advice (the name is the text). */
export type Progress = (kind: 'Network' | 'Volume' | 'Container' | 'Image' | 'Warning', name: string, state: string) => void;

/** Compose's advice when a project has containers of services no longer in its files. */
export function orphanWarning(orphans: ExistingContainer[]): string {
  return `Found orphan containers (${orphans.map((orphan) => orphan.name).join(', ')}) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.`;
}

/** What a plan needs to know of the engine: the containers, networks and volumes that exist. */
export async function engineState(client: EngineClient): Promise<{ containers: ExistingContainer[]; networks: string[]; volumes: string[] }> {
  const [containers, networks, volumes] = await Promise.all([
    client.request({ op: 'container.list', all: true }),
    client.request({ op: 'network.list' }),
    client.request({ op: 'volume.list' }),
  ]);
  return { containers: containers.map(existingContainer), networks: networks.map((network) => network.name), volumes: volumes.map((volume) => volume.name) };
}

export function existingContainer(view: ContainerView): ExistingContainer {
  return { id: view.id, name: view.config.name, labels: view.config.labels, status: view.status, image: view.config.image };
}

/** How `up` treats services with `build:`: the builder, and whether to build them even when their image exists (--build). */
export interface UpBuilds {
  builder?: ServiceBuilder;
  always?: boolean;
}

async function imageExists(client: EngineClient, image: string): Promise<boolean> {
  try {
    await client.request({ op: 'image.inspect', ref: image });
    return true;
  } catch (error) {
    if (error instanceof NotFoundError) return false;
    throw error;
  }
}

/**
 * The images of the services that get new containers (`creating`): those with `build:` built
 * when missing (or always, with --build, for every one of `planned` with `build:`), the others
 * pulled when missing. Returns the ids of the images built, by service.
 */
export async function ensureImages(client: EngineClient, project: Project, services: { creating: string[]; planned: string[] }, progress: Progress, builds: UpBuilds): Promise<Map<string, string>> {
  const creating = new Set(services.creating);
  const built = new Map<string, string>();
  for (const name of services.planned) {
    const service = project.services[name];
    if (!service.build || !(builds.always || creating.has(name))) continue;
    const image = serviceImage(project, service);
    if (!builds.always && await imageExists(client, image)) continue;
    if (!builds.builder) throw new ComposeError(`service ${name} needs its image built, and this client cannot build`, 17);
    progress('Image', image, 'Building');
    built.set(name, await runBuild(builds.builder, serviceBuild(project, service)));
    progress('Image', image, 'Built');
  }
  const pulls = new Set([...creating].filter((name) => !project.services[name].build).map((name) => serviceImage(project, project.services[name])));
  for (const image of pulls) {
    if (await imageExists(client, image)) continue;
    progress('Image', image, 'Pulling');
    await client.request({ op: 'image.pull', ref: image }, 10 * 60_000).catch((cause: unknown) => {
      throw new ComposeError(`pull access denied or failed for ${image}: ${cause instanceof Error ? cause.message : String(cause)}`, 18, { cause });
    });
    progress('Image', image, 'Pulled');
  }
  return built;
}

/** A kept or started container whose service's image was just built anew is recreated on it. */
function onNewImage(step: ContainerStep, built: string | undefined, project: Project, service: string): ContainerStep {
  if ((step.kind !== 'keep' && step.kind !== 'start') || built === undefined || step.container.image === undefined || step.container.image === built) return step;
  const number = Number(step.container.labels[LABEL.number] ?? 1);
  return { kind: 'recreate', number, name: containerName(project, project.services[service], number), container: step.container };
}

/** Joins a container to `networks` (a service's networks beyond the first, extraNetworks). */
async function joinNetworks(client: EngineClient, id: string, networks: ReturnType<typeof extraNetworks>): Promise<void> {
  for (const network of networks) {
    await client.request({ op: 'network.connect', ref: network.name, container: id, aliases: network.aliases, ...(network.ip ? { ip: network.ip } : {}), ...(network.ip6 ? { ip6: network.ip6 } : {}) });
  }
}

/** Creates (and starts) one container of a service; joins its other networks before the start. */
async function createContainer(client: EngineClient, project: Project, service: string, placement: { name: string; number: number; anonymousVolumes?: Record<string, string> }): Promise<{ id: string; name: string }> {
  const spec = buildCreateRequest(serviceCreateOptions(project, project.services[service], placement));
  const others = extraNetworks(project, project.services[service]);
  const created = await client.request({ op: 'container.create', spec, start: others.length === 0 });
  await joinNetworks(client, created.id, others);
  if (others.length) await client.request({ op: 'container.start', ref: created.id });
  return { id: created.id, name: created.name };
}

/**
 * Starts a service's stopped or never-started container, joined first to those of the
 * service's networks it is not on: an up that died between a create and its connects (a
 * daemon or client killed) left it on its first network alone.
 */
async function startContainer(client: EngineClient, project: Project, service: string, container: ExistingContainer): Promise<void> {
  if (extraNetworks(project, project.services[service]).length) {
    const joined = (await client.request({ op: 'container.inspect', ref: container.id })).networks?.map((network) => network.name) ?? [];
    await joinNetworks(client, container.id, extraNetworks(project, project.services[service], joined));
  }
  await client.request({ op: 'container.start', ref: container.id });
}

/** The anonymous volumes of a container, by destination, to mount again in its replacement. */
async function anonymousVolumes(client: EngineClient, id: string): Promise<Record<string, string>> {
  const view = await client.request({ op: 'container.inspect', ref: id });
  return Object.fromEntries((view.config.mounts ?? []).filter((mount) => mount.type === 'volume' && mount.anonymous).map((mount) => [mount.destination, mount.source]));
}

/** Stops (its grace period, or `timeoutSeconds`) and removes a container; `volumes`: its anonymous volumes too. */
export async function removeContainer(client: EngineClient, project: Project, container: ExistingContainer, progress: Progress, volumes = false, timeoutSeconds?: number): Promise<void> {
  const service = project.services[container.labels[LABEL.service] ?? ''];
  progress('Container', container.name, 'Stopping');
  // A volume mounted again by a recreate is anonymous in the file's sense though named in the
  // container's: with -v, every anonymous volume it had goes with it.
  const anonymous = volumes ? Object.values(await anonymousVolumes(client, container.id).catch(() => ({}))) : [];
  await client.request({ op: 'container.stop', ref: container.id, timeoutSeconds: stopTimeoutSeconds(service, timeoutSeconds) }, 5 * 60_000).catch(() => {});
  await client.request({ op: 'container.remove', ref: container.id, force: true, volumes });
  for (const name of anonymous) await client.request({ op: 'volume.remove', name, force: false }).catch((error: unknown) => { if (!(error instanceof NotFoundError)) throw error; });
  progress('Container', container.name, 'Removed');
}

/** Carries out the plan; returns the containers of every service it touched, by service. */
export async function executeUp(client: EngineClient, project: Project, plan: UpPlan, progress: Progress, builds: UpBuilds = {}): Promise<Map<string, Array<{ id: string; name: string }>>> {
  for (const { key, network } of plan.networks) {
    await client.request({
      op: 'network.create', name: network.name, driver: network.driver ?? 'bridge', internal: network.internal ?? false,
      labels: resourceLabels(project, 'network', key, network.labels), options: network.driver_opts,
      ...networkAddressing(network),
    });
    progress('Network', network.name, 'Created');
  }
  for (const { key, volume } of plan.volumes) {
    await client.request({ op: 'volume.create', name: volume.name, labels: resourceLabels(project, 'volume', key, volume.labels), options: volume.driver_opts });
    progress('Volume', volume.name, 'Created');
  }
  const built = await ensureImages(client, project, {
    creating: plan.services.filter((entry) => entry.steps.some((step) => step.kind === 'create' || step.kind === 'recreate')).map((entry) => entry.service),
    planned: plan.services.map((entry) => entry.service),
  }, progress, builds);
  if (plan.removeOrphans) for (const orphan of plan.orphans) await removeContainer(client, project, orphan, progress);
  else if (plan.orphans.length) {
    progress('Warning', orphanWarning(plan.orphans), '');
  }
  const containers = new Map<string, Array<{ id: string; name: string }>>();
  for (const entry of plan.services) {
    for (const dependency of entry.waitFor) {
      for (const container of containers.get(dependency.service) ?? []) {
        if (dependency.condition !== 'service_started') progress('Container', container.name, 'Waiting');
        try {
          await waitCondition(client, container, dependency.service, dependency.condition);
        } catch (error) {
          if (dependency.required) throw error;
          progress('Warning', `optional dependency "${dependency.service}" failed: ${(error as Error).message}`, '');
          continue;
        }
        if (dependency.condition === 'service_healthy') progress('Container', container.name, 'Healthy');
        if (dependency.condition === 'service_completed_successfully') progress('Container', container.name, 'Exited');
      }
    }
    const mine: Array<{ id: string; name: string }> = [];
    for (const step of entry.steps.map((planned) => onNewImage(planned, built.get(entry.service), project, entry.service))) {
      switch (step.kind) {
        case 'keep':
          mine.push(step.container);
          progress('Container', step.container.name, 'Running');
          break;
        case 'start':
          await startContainer(client, project, entry.service, step.container);
          mine.push(step.container);
          progress('Container', step.container.name, 'Started');
          break;
        case 'remove':
          await removeContainer(client, project, step.container, progress);
          break;
        case 'create':
          mine.push(await createContainer(client, project, entry.service, step));
          progress('Container', step.name, 'Started');
          break;
        case 'recreate': {
          const volumes = await anonymousVolumes(client, step.container.id);
          await removeContainer(client, project, step.container, () => {});
          mine.push(await createContainer(client, project, entry.service, { ...step, anonymousVolumes: volumes }));
          progress('Container', step.name, 'Recreated');
          break;
        }
      }
    }
    containers.set(entry.service, mine);
  }
  return containers;
}
