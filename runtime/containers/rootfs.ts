/**
 * A container's filesystem without mounting it: the merged view of its image layers and its
 * upper dir as overlayfs would show it (whiteouts and opaque dirs applied), for `export`, and
 * the changes in the upper dir against the layers, for `diff`.
 *
 * Whiteouts as the unpacker and overlayfs write them: a 0/0 char device hides the path below;
 * a dir with trusted.overlay.opaque=y hides everything below it in lower layers. Symlinks are
 * never followed: every entry is lstat'ed and read from the layer it belongs to.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Writable } from 'node:stream';
import { TarWriter, type HeaderFields } from '../images/tarWriter.js';

const run = promisify(execFile);

export interface TreeEntry {
  /** The path inside the root, without a leading slash ('etc/passwd'). */
  path: string;
  /** The file on disk that holds it. */
  source: string;
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

/** Walks one dir in a stable order (names sorted), yielding relative paths and lstat; a visit answering false skips a dir's contents. */
export async function walk(dir: string, visit: (rel: string, stat: fs.Stats) => boolean | void | Promise<boolean | void>, rel = ''): Promise<void> {
  let names: string[];
  try {
    names = (await fsp.readdir(path.join(dir, rel))).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && rel === '') return;
    throw error;
  }
  for (const name of names) {
    const child = rel ? `${rel}/${name}` : name;
    const stat = await fsp.lstat(path.join(dir, child));
    const descend = await visit(child, stat);
    if (stat.isDirectory() && descend !== false) await walk(dir, visit, child);
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
    tree.set(rel, { path: rel, source: path.join(dir, rel), stat });
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

/** Writes the merged tree as a tar to `out` (parents before children; sockets are skipped). */
export async function writeTree(tree: Tree, out: Writable): Promise<void> {
  const writer = new TarWriter(out);
  const paths = [...tree.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const rel of paths) {
    const entry = tree.get(rel)!;
    if (entry.stat.isSocket()) continue;
    const header = headerOf(entry);
    if (header.type === 'dir') await writer.entry({ ...header, path: `${rel}/` });
    else if (header.type === 'symlink') await writer.entry({ ...header, linkpath: await fsp.readlink(entry.source) });
    else if (header.type === 'file') await writer.file(header, entry.source, entry.stat.size);
    else await writer.entry(header);
  }
  await writer.end();
}

/** `export`: the container's flattened root filesystem as a tar at `file` (written, then renamed). */
export async function exportRootfs(lowerDirs: string[], upper: string, file: string): Promise<void> {
  const tree = await mergedTree(lowerDirs, upper);
  const temp = `${file}.partial-${process.pid}`;
  try {
    await writeTree(tree, fs.createWriteStream(temp, { mode: 0o600 }));
    await fsp.rename(temp, file);
  } catch (error) {
    await fsp.rm(temp, { force: true });
    throw error;
  }
}
