/**
 * A new container's mounts, made real before it is created: --volumes-from is expanded, bind
 * sources are checked (or created, for -v, as Docker does), anonymous volumes get a name, and
 * volumes that do not exist yet are created. Once the container exists, each volume records it
 * as a user.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ValidationError } from '../../events/errors.js';
import type { MountSpec } from '../../events/mount.js';
import type { CreateSpec } from '../../events/requests.js';
import type { Host } from '../host.js';
import { resolveContainer } from '../resolve.js';

export interface AttachContext {
  /** The request id: event ids derive from it. */
  id: string;
}

/** The mounts of another container that --volumes-from brings: its volumes and binds, not tmpfs. */
function mountsFrom(host: Host, from: NonNullable<CreateSpec['volumesFrom']>[number]): MountSpec[] {
  const source = resolveContainer(host, from.container).state.config?.mounts ?? [];
  return source
    .filter((mount) => mount.type !== 'tmpfs')
    .map((mount) => ({ ...mount, readOnly: from.mode === '' ? mount.readOnly : from.mode === 'ro', createSource: undefined }));
}

async function checkBindSource(mount: MountSpec): Promise<void> {
  const exists = await fs.stat(mount.source).then(() => true, () => false);
  if (exists) return;
  if (!mount.createSource) {
    throw new ValidationError(`invalid mount config for type "bind": bind source path does not exist: ${mount.source}`);
  }
  await fs.mkdir(mount.source, { recursive: true, mode: 0o755 });
}

/**
 * The image's VOLUME paths that no mount of the container covers: each becomes an anonymous
 * volume (filled from the image by copy-up), as Docker makes them. `taken` grows with them.
 */
export function imageVolumeMounts(paths: string[], taken: Set<string>): MountSpec[] {
  const mounts: MountSpec[] = [];
  for (const raw of paths) {
    const destination = path.posix.normalize(raw).replace(/(.)\/+$/, '$1');
    if (!destination.startsWith('/') || taken.has(destination)) continue;
    taken.add(destination);
    mounts.push({ type: 'volume', source: '', destination, readOnly: false, anonymous: true });
  }
  return mounts;
}

/** Resolves the spec's mounts for container `containerId` (with its image's VOLUMEs); creates what is missing. */
export async function prepareMounts(host: Host, spec: CreateSpec, containerId: string, ctx: AttachContext, imageVolumes: string[] = []): Promise<MountSpec[]> {
  const explicit = spec.mounts ?? [];
  const taken = new Set(explicit.map((m) => m.destination));
  const inherited = (spec.volumesFrom ?? []).flatMap((from) => mountsFrom(host, from)).filter((m) => {
    if (taken.has(m.destination)) return false; // the container's own flags win
    taken.add(m.destination);
    return true;
  });
  const fromImage = imageVolumeMounts(imageVolumes, taken);
  const mounts: MountSpec[] = [];
  for (const mount of [...explicit, ...inherited, ...fromImage]) {
    if (mount.type === 'bind') await checkBindSource(mount);
    if (mount.type !== 'volume') {
      mounts.push(mount);
      continue;
    }
    const name = mount.source || randomBytes(32).toString('hex');
    const volume = host.volumes.byName(name);
    if (volume.state.status !== 'present') {
      await host.worker.volumes.create(name);
      const anonymous = mount.source === '';
      await volume.execute(
        { type: 'Create', record: { name, driver: 'local', labels: {}, options: {}, anonymous, container: anonymous ? containerId : undefined } },
        { id: `${ctx.id}.volume.${name}`, correlation: ctx.id },
      );
    }
    mounts.push({ ...mount, source: name });
  }
  return mounts;
}

/** After the container's create: every volume it mounts records it as a user. */
export async function recordVolumeUsers(host: Host, containerId: string, mounts: MountSpec[], ctx: AttachContext): Promise<void> {
  for (const mount of mounts.filter((m) => m.type === 'volume')) {
    await host.volumes.byName(mount.source).execute(
      { type: 'Mount', container: containerId, destination: mount.destination },
      { id: `${ctx.id}.mount.${mount.source}`, correlation: ctx.id },
    );
  }
}
