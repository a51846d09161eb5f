/** Finding entities the way Docker does: full id, name (or tag), or an unambiguous id prefix. */
import { BerthError, NotFoundError, ValidationError } from '../events/errors.js';
import { normalizeReference, parseReference } from '../runtime/images/reference.js';
import type { ContainerEntity, Host, ImageEntity } from './host.js';
import { exists } from '../events/containerStatus.js';

export function liveContainers(host: Host): ContainerEntity[] {
  return [...host.containers.values()].filter((c) => exists(c.state.status));
}

export function liveImages(host: Host): ImageEntity[] {
  return [...host.images.values()].filter((i) => i.state.status === 'present');
}

export function resolveContainer(host: Host, ref: string): ContainerEntity {
  const all = liveContainers(host);
  const byName = all.find((c) => c.state.config?.name === ref.replace(/^\//, ''));
  if (byName) return byName;
  const exact = all.find((c) => c.id === ref);
  if (exact) return exact;
  if (/^[a-f0-9]+$/.test(ref)) {
    const matches = all.filter((c) => c.id.startsWith(ref));
    if (matches.length > 1) throw new ValidationError(`multiple containers match the prefix ${ref}; give more of the id`);
    if (matches[0]) return matches[0];
  }
  throw new NotFoundError(`No such container: ${ref}`);
}

/** The image a tag names, if any. */
export function imageByTag(host: Host, normalized: string): ImageEntity | undefined {
  return liveImages(host).find((i) => i.state.tags.includes(normalized));
}

export function resolveImage(host: Host, ref: string): ImageEntity {
  const hex = ref.replace(/^sha256:/, '');
  if (/^[a-f0-9]{4,64}$/.test(hex)) {
    const matches = liveImages(host).filter((i) => i.id.startsWith(hex));
    if (matches.length > 1) throw new ValidationError(`multiple images match the prefix ${ref}; give more of the id`);
    if (matches[0]) return matches[0];
  }
  if (ref.includes('@')) {
    // name@sha256:<manifest digest>: the image a pull by digest recorded.
    let wanted: string | null = null;
    try {
      const parsed = parseReference(ref);
      wanted = `${parsed.name}@${parsed.digest}`;
    } catch { /* not a reference */ }
    const byDigest = liveImages(host).find((i) => wanted && i.state.record?.repoDigests?.includes(wanted));
    if (byDigest) return byDigest;
    throw new NotFoundError(`Unable to find image '${ref}' locally`);
  }
  let normalized: string;
  try {
    normalized = normalizeReference(ref);
  } catch {
    throw new NotFoundError(`No such image: ${ref}`);
  }
  const tagged = imageByTag(host, normalized);
  if (tagged) return tagged;
  throw new NotFoundError(`Unable to find image '${normalized}' locally`);
}

/** The layers under a container, bottom first; its image must still be there. */
export function chainIdsOf(host: Host, container: ContainerEntity): string[] {
  const image = container.state.config?.image;
  const record = image ? liveImages(host).find((i) => i.id === image)?.state.record : undefined;
  if (!record) throw new BerthError(`the image of container ${container.id.slice(0, 12)} is gone; its filesystem cannot be read`);
  return record.chainIds;
}
