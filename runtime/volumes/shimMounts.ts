/**
 * A container's recorded mounts as the shim's spec entries (see runtime/native/mounts.c):
 * "type\x1fsource\x1fdestination\x1foptions", volumes as binds of their _data dir, sorted so a
 * mount never hides one nested in it. Pure.
 */
import type { MountSpec } from '../../events/mount.js';
import type { Layout } from '../layout.js';

const SEPARATOR = '\x1f';

/** Docker's order: shallower destinations first, so /a is mounted before /a/b. */
export function sortMounts(mounts: MountSpec[]): MountSpec[] {
  const depth = (m: MountSpec) => m.destination.split('/').length;
  return [...mounts].sort((a, b) => depth(a) - depth(b));
}

export function shimMountEntry(layout: Layout, mount: MountSpec): string {
  const options: string[] = [];
  if (mount.readOnly) options.push('ro');
  let type: 'bind' | 'tmpfs' = 'bind';
  let source = mount.source;
  if (mount.type === 'volume') {
    source = layout.volume(mount.source).data;
    options.push('volume');
    if (!mount.noCopy) options.push('copy');
  } else if (mount.type === 'bind') {
    options.push(mount.propagation ?? 'rprivate');
  } else {
    type = 'tmpfs';
    source = 'tmpfs';
    options.push(...(mount.tmpfsFlags ?? ['nosuid', 'nodev']).filter((f) => f.startsWith('no')));
    if (mount.tmpfsSize) options.push(`size=${mount.tmpfsSize}`);
    if (mount.tmpfsMode !== undefined) options.push(`mode=${mount.tmpfsMode.toString(8)}`);
  }
  for (const field of [source, mount.destination]) {
    if (field.includes(SEPARATOR)) throw new TypeError(`a mount path must not contain \\x1f: ${JSON.stringify(field)}`);
  }
  return [type, source, mount.destination, options.join(',')].join(SEPARATOR);
}

export function shimMounts(layout: Layout, mounts: MountSpec[] | undefined): string[] {
  return sortMounts(mounts ?? []).map((mount) => shimMountEntry(layout, mount));
}
