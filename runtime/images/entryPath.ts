/**
 * The pure rules of where an archive entry may go: its path as components inside the layer,
 * and what a whiteout means. Nothing here touches the disk.
 */
import { ArchiveError } from '../../events/errors.js';

const MAX_PATH = 4096;
export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_MARKER = '.wh..wh..opq';

/**
 * "./usr/bin/sh" -> ["usr", "bin", "sh"]; [] is the layer's root. Refuses absolute paths and any
 * ".." component: layer archives never need them, and either could reach outside the layer.
 */
export function entryComponents(raw: string, what = 'entry'): string[] {
  if (raw.length > MAX_PATH) throw new ArchiveError(`${what} path is longer than ${MAX_PATH} bytes`);
  if (raw.includes('\0')) throw new ArchiveError(`${what} ${JSON.stringify(raw)}: NUL in path`);
  if (raw.startsWith('/')) throw new ArchiveError(`${what} ${JSON.stringify(raw)}: absolute path refused (it would write outside the layer)`);
  const parts = raw.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new ArchiveError(`${what} ${JSON.stringify(raw)}: ".." refused (it would write outside the layer)`);
  return parts;
}

/** What an entry's name says about overlay: a plain entry, a whiteout, or an opaque directory marker. */
export type Whiteout =
  | { kind: 'none' }
  /** Hide `target` (components) of the lower layers. */
  | { kind: 'whiteout'; target: string[] }
  /** Hide everything the lower layers have under `dir`. */
  | { kind: 'opaque'; dir: string[] }
  /** Other ".wh..wh." names (aufs metadata such as hard-link dirs): nothing to write. */
  | { kind: 'ignore' };

export function classifyWhiteout(components: string[]): Whiteout {
  const name = components[components.length - 1];
  if (name === undefined || !name.startsWith(WHITEOUT_PREFIX)) return { kind: 'none' };
  const dir = components.slice(0, -1);
  if (name === OPAQUE_MARKER) return { kind: 'opaque', dir };
  if (name.startsWith(`${WHITEOUT_PREFIX}${WHITEOUT_PREFIX}`)) return { kind: 'ignore' };
  const hidden = name.slice(WHITEOUT_PREFIX.length);
  if (hidden === '' || hidden === '.' || hidden === '..') throw new ArchiveError(`whiteout ${components.join('/')}: names nothing`);
  return { kind: 'whiteout', target: [...dir, hidden] };
}

/** Extended attributes an image may set. Overlay's own (trusted.overlay.*) could redirect lookups, so never. */
export function xattrAllowed(name: string): boolean {
  return name === 'security.capability' || name.startsWith('user.');
}
