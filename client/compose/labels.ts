/**
 * The `com.docker.compose.*` labels, as Docker Compose v2 writes them, so that the tools that
 * read them see a compose project; and a service's config hash, which tells an unchanged
 * service from a changed one. Pure.
 */
import { createHash } from 'node:crypto';
import type { Project, Service } from './model.js';

export const LABEL = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  number: 'com.docker.compose.container-number',
  oneoff: 'com.docker.compose.oneoff',
  configHash: 'com.docker.compose.config-hash',
  workingDir: 'com.docker.compose.project.working_dir',
  configFiles: 'com.docker.compose.project.config_files',
  dependsOn: 'com.docker.compose.depends_on',
  version: 'com.docker.compose.version',
  network: 'com.docker.compose.network',
  volume: 'com.docker.compose.volume',
  image: 'com.docker.compose.image',
} as const;

/** The Compose version these labels claim to be written by (the format, not berth's version). */
export const COMPOSE_VERSION = '2.29.0';

/** JSON with keys sorted, so that equal configs hash equally whatever order the files used. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The hash of what a container is made from: scale, profiles and placement leave it alone. */
export function configHash(service: Service, project: Project): string {
  const { scale: _scale, profiles: _profiles, placement: _placement, build: _build, ...config } = service;
  // The engine's names of its networks and volumes are part of what it is made from.
  const names = {
    networks: Object.keys(service.networks ?? {}).map((key) => project.networks[key]?.name),
    volumes: service.volumes.map((volume) => (volume.type === 'volume' && volume.source ? project.volumes[volume.source]?.name : null)),
  };
  return createHash('sha256').update(canonical({ config, names })).digest('hex');
}

/** The labels of a service's container number `number`. */
export function containerLabels(project: Project, service: Service, number: number, oneoff = false): Record<string, string> {
  return {
    ...service.labels,
    [LABEL.project]: project.name,
    [LABEL.service]: service.name,
    [LABEL.number]: String(number),
    [LABEL.oneoff]: oneoff ? 'True' : 'False',
    [LABEL.configHash]: configHash(service, project),
    [LABEL.workingDir]: project.workingDir,
    [LABEL.configFiles]: project.files.join(','),
    [LABEL.dependsOn]: Object.entries(service.depends_on).map(([name, dependency]) => `${name}:${dependency.condition}:${dependency.restart}`).join(','),
    [LABEL.version]: COMPOSE_VERSION,
    ...(service.image ? { [LABEL.image]: service.image } : {}),
  };
}

/** The labels of a project's network or volume (`kind` says which). */
export function resourceLabels(project: Project, kind: 'network' | 'volume', key: string, own: Record<string, string>): Record<string, string> {
  return { ...own, [LABEL.project]: project.name, [LABEL[kind]]: key, [LABEL.version]: COMPOSE_VERSION };
}

/** A container's name: container_name, else `<project>-<service>-<n>` (Compose v2's). */
export function containerName(project: Project, service: Service, number: number): string {
  return service.container_name ?? `${project.name}-${service.name}-${number}`;
}
