/**
 * A create request's config, pure: the user's spec over the image's config, by Docker's rules
 * (the entrypoint/cmd merge, env by key, the stop signal, the health check).
 */
import type { ContainerConfig } from '../../events/container.js';
import type { ImageRecord } from '../../events/image.js';
import type { CreateSpec } from '../../events/requests.js';
import { parseSignal } from '../../runtime/signals.js';
import type { Sealed } from '../../events/sealed.js';
import { healthConfig } from './health.js';
import type { ExposedPort } from '../../events/ports.js';
import { exposedPorts } from '../network/ports.js';

/**
 * The argv and entrypoint: --entrypoint replaces the image's and drops its Cmd too; a Cmd
 * given replaces the image's. An empty argv is decide's to refuse ("No command specified").
 */
export function commandLine(spec: Pick<CreateSpec, 'entrypoint' | 'cmd'>, image: Pick<ImageRecord, 'entrypoint' | 'cmd'>): { cmd: string[]; entrypoint: string[] } {
  const entrypoint = spec.entrypoint ?? image.entrypoint;
  const cmd = [...entrypoint, ...(spec.cmd.length > 0 || spec.entrypoint !== undefined ? spec.cmd : image.cmd)];
  return { cmd, entrypoint };
}

export { mergeEnv } from '../../runtime/secrets/env.js';

/**
 * The pids limit of a container created without --pids-limit: podman's default (its
 * containers.conf pids_limit = 2048), so a fork bomb stops there; Docker has none. Recorded in
 * the config, so inspect shows it and update changes it.
 */
export const DEFAULT_PIDS_LIMIT = 2048;

/** The stop signal a config keeps, by its name; an image's unknown one is dropped (SIGTERM then). */
export function stopSignalOf(signal: string | undefined): { stopSignal?: string } {
  if (!signal) return {};
  try {
    const { name } = parseSignal(signal);
    return name === 'SIGTERM' ? {} : { stopSignal: name };
  } catch {
    return {};
  }
}

/** Config.ExposedPorts of a new container: the image's EXPOSE, --expose and -p (actors/network/ports.ts). */
export function exposedPortsOf(spec: Pick<CreateSpec, 'expose' | 'networking'>, image: Pick<ImageRecord, 'exposedPorts'>): ExposedPort[] {
  return exposedPorts(image.exposedPorts ?? [], spec.expose ?? [], spec.networking?.ports ?? []);
}

/**
 * The config of a new container `id` named `name`, from the spec and the image (`imageId`, its
 * record). The image's env is recorded in the clear; the user's entries only as `seal` makes
 * them (sealed to the host: runtime/secrets/env.ts), since events travel to every host.
 */
export function containerConfig(spec: CreateSpec, image: { id: string; record: ImageRecord }, id: string, name: string, seal: (entries: string[]) => { sealedEnv?: Sealed }): ContainerConfig {
  const { record } = image;
  const exposed = exposedPortsOf(spec, record);
  return {
    name,
    image: image.id,
    imageRef: spec.imageRef,
    ...commandLine(spec, record),
    env: record.env,
    ...seal(spec.env),
    workingDir: spec.workingDir ?? record.workingDir,
    hostname: spec.hostname ?? id.slice(0, 12),
    memoryBytes: spec.memoryBytes,
    pidsLimit: spec.pidsLimit ?? DEFAULT_PIDS_LIMIT,
    autoRemove: spec.autoRemove,
    labels: spec.labels,
    // The image's User applies unless -u names one (the shim refuses ids that would wrap).
    ...(spec.security || record.user ? { security: { ...spec.security, ...(spec.security?.user || !record.user ? {} : { user: record.user }) } } : {}),
    ...(spec.resources ? { resources: spec.resources } : {}),
    restartPolicy: spec.restartPolicy,
    healthcheck: healthConfig(spec.health ?? {}, record.healthcheck),
    ...(spec.openStdin ? { openStdin: true } : {}),
    ...(spec.tty ? { tty: true } : {}),
    ...(spec.logConfig ? { logConfig: spec.logConfig } : {}),
    ...(spec.init ? { init: true } : {}),
    ...stopSignalOf(spec.stopSignal ?? record.stopSignal),
    ...(spec.constraints?.length ? { constraints: spec.constraints } : {}),
    ...(exposed.length ? { exposedPorts: exposed } : {}),
  };
}
