/**
 * A container's filesystem without mounting it: the merged view of its image layers and its
 * upper dir as overlayfs would show it (whiteouts and opaque dirs applied), for `export`, and
 * the changes in the upper dir against the layers, for `diff`.
 *
 * Whiteouts as the unpacker and overlayfs write them: a 0/0 char device hides the path below;
 * a dir with trusted.overlay.opaque=y hides everything below it in lower layers. Symlinks are
 * never followed: the walk goes down through open dirs (runtime/containers/openDir.ts), and an
 * entry is read from the layer it belongs to through its dir opened again the same way
 * (treeReader.ts), so a running container swapping a dir or file for a link to a host path
 * meanwhile gets that entry left out, never the host file read.
 */
import { execFile } from 'node:child_process';
import type fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Writable } from 'node:stream';
import { TarWriter, type HeaderFields } from '../images/tarWriter.js';
import { writeAtomically } from '../atomicFile.js';
import { isSwapped, OpenDir } from './openDir.js';
import { TreeReader, type EntryPlace } from './treeReader.js';

const run = promisify(execFile);

export interface TreeEntry extends EntryPlace {
  /** The path inside the root, without a leading slash ('etc/passwd'). */
  path: string;
  stat: fs.Stats;
}

export type Tree = Map<string, TreeEntry>;

export function isWhiteout(stat: fs.Stats): boolean {
  return stat.isCharacterDevice() && stat.rdev === 0;
}

/** The dirs under `dir` that carry trusted.overlay.opaque=y, as paths relative to it. */
export async function opaqueDirs(dir: string): Promise<Set<string>> {
  let stdout = '';
  try {
    ({ stdout } = await run('getfattr', ['-R', '-P', '-h', '--absolute-names', '-n', 'trusted.overlay.opaque', dir], { maxBuffer: 64 * 1024 * 1024 }));
  } catch (error) {
    // getfattr exits 1 when some file lacks the attribute; what it printed is still right.
    stdout = (error as { stdout?: string }).stdout ?? '';
  }
  const found = new Set<string>();
  let file: string | null = null;
  for (const line of stdout.split('\n')) {
    if (line.startsWith('# file: ')) file = line.slice(8);
    else if (file && /^trusted\.overlay\.opaque="y"$/.test(line)) found.add(path.relative(dir, file));
  }
  return found;
}

function removeUnder(tree: Tree, prefix: string): void {
  for (const key of tree.keys()) if (key.startsWith(`${prefix}/`)) tree.delete(key);
}

/** Called for each entry of a walk: its path relative to the top, its lstat, and a path that reaches it through its parent's open dir. */
export type Visit = (rel: string, stat: fs.Stats, at: string) => boolean | void | Promise<boolean | void>;

/** Walks the open `dir` as walk() does. */
export async function walkDir(dir: OpenDir, visit: Visit, rel = ''): Promise<void> {
  for (const name of await dir.names()) {
    const child = rel ? `${rel}/${name}` : name;
    const stat = await dir.lstat(name);
    if (!stat) continue; // gone meanwhile
    const descend = await visit(child, stat, dir.at(name));
    if (!stat.isDirectory() || descend === false) continue;
    const sub = await dir.openDir(name).catch((error: unknown) => {
      if (isSwapped(error)) return null; // a link or a file now: its contents are not walked
      throw error;
    });
    if (!sub) continue;
    try {
      await walkDir(sub, visit, child);
    } finally {
      await sub.close();
    }
  }
}

/**
 * Walks `dir` (a path the caller trusts) in a stable order (names sorted), yielding relative
 * paths and lstat; a visit answering false skips a dir's contents. Every dir below is entered
 * through its parent's open dir, never following a link.
 */
export async function walk(dir: string, visit: Visit): Promise<void> {
  const top = await OpenDir.open(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (!top) return;
  try {
    await walkDir(top, visit);
  } finally {
    await top.close();
  }
}

/** Applies one layer (or the upper dir) over `tree`, as overlayfs stacks it. */
export async function applyLayer(tree: Tree, dir: string, opaque?: Set<string>): Promise<void> {
  const opaques = opaque ?? await opaqueDirs(dir);
  await walk(dir, (rel, stat) => {
    if (isWhiteout(stat)) {
      tree.delete(rel);
      removeUnder(tree, rel);
      return;
    }
    const previous = tree.get(rel);
    if (!stat.isDirectory() || (previous && !previous.stat.isDirectory()) || opaques.has(rel)) removeUnder(tree, rel);
    tree.set(rel, { path: rel, base: dir, rel, stat });
  });
}

/** The merged tree of lower dirs (bottom first) and an upper dir (may be missing). */
export async function mergedTree(lowerDirs: string[], upper: string | null): Promise<Tree> {
  const tree: Tree = new Map();
  for (const dir of [...lowerDirs, ...(upper ? [upper] : [])]) await applyLayer(tree, dir);
  return tree;
}

export interface Change {
  kind: 'A' | 'C' | 'D';
  /** Absolute, as Docker prints it ('/etc/passwd'). */
  path: string;
}

/** What the upper dir changed over the lower tree: Docker's `diff`, sorted by path. */
export async function upperChanges(lower: Tree, upper: string): Promise<Change[]> {
  const opaques = await opaqueDirs(upper);
  const changes = new Map<string, Change['kind']>();
  await walk(upper, (rel, stat) => {
    if (isWhiteout(stat)) {
      if (lower.has(rel)) changes.set(rel, 'D');
      return;
    }
    changes.set(rel, lower.has(rel) ? 'C' : 'A');
    if (opaques.has(rel)) {
      // Everything the lower layers had below an opaque dir is gone, unless written again.
      for (const key of lower.keys()) if (key.startsWith(`${rel}/`) && !changes.has(key)) changes.set(key, 'D');
    }
  });
  // A path written again under an opaque dir replaces its D.
  return [...changes.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([rel, kind]) => ({ kind, path: `/${rel}` }));
}

/** The tar header of one entry (its type, mode, owner, time and device numbers from lstat). */
export function headerOf(entry: TreeEntry): HeaderFields {
  const { stat } = entry;
  const base = { path: entry.path, mode: stat.mode & 0o7777, uid: stat.uid, gid: stat.gid, mtime: Math.floor(stat.mtimeMs / 1000) };
  if (stat.isDirectory()) return { ...base, type: 'dir' };
  if (stat.isSymbolicLink()) return { ...base, type: 'symlink' };
  if (stat.isFIFO()) return { ...base, type: 'fifo' };
  if (stat.isCharacterDevice()) return { ...base, type: 'char', devmajor: Math.floor(stat.rdev / 256), devminor: stat.rdev % 256 };
  if (stat.isBlockDevice()) return { ...base, type: 'block', devmajor: Math.floor(stat.rdev / 256), devminor: stat.rdev % 256 };
  return { ...base, type: 'file' };
}

/**
 * Adds one entry to `writer`, its content or link target read through `reader`; false when it
 * changed since it was walked (and is left out) or is a socket.
 */
export async function addEntry(writer: TarWriter, reader: TreeReader, entry: TreeEntry, header: HeaderFields): Promise<boolean> {
  if (entry.stat.isSocket()) return false;
  if (header.type === 'dir') await writer.entry({ ...header, path: `${header.path}/` });
  else if (header.type === 'symlink') {
    const linkpath = await reader.readlink(entry);
    if (linkpath === null) return false;
    await writer.entry({ ...header, linkpath });
  } else if (header.type === 'file') {
    const handle = await reader.open(entry);
    if (!handle) return false;
    try {
      await writer.file(header, handle, (await handle.stat()).size);
    } finally {
      await handle.close();
    }
  } else await writer.entry(header);
  return true;
}

/** Writes the merged tree as a tar to `out` (parents before children; sockets are skipped). */
export async function writeTree(tree: Tree, out: Writable): Promise<void> {
  const writer = new TarWriter(out);
  const reader = new TreeReader();
  try {
    const paths = [...tree.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const rel of paths) {
      const entry = tree.get(rel)!;
      await addEntry(writer, reader, entry, { ...headerOf(entry), path: rel });
    }
  } finally {
    await reader.close();
  }
  await writer.end();
}

/** `export`: the container's flattened root filesystem as a tar at `file` (written, then renamed). */
export async function exportRootfs(lowerDirs: string[], upper: string, file: string): Promise<void> {
  const tree = await mergedTree(lowerDirs, upper);
  await writeAtomically(file, (out) => writeTree(tree, out));
}
