/**
 * COPY and ADD into a staging dir laid out as an overlay upper dir (the files at their paths
 * in the image, their parents as the image has them), which becomes the step's layer the way a
 * commit's upper dir does. Docker's rules: a dir source copies its contents; a file goes into
 * the destination when that ends with `/` or is a dir in the image, else becomes it; several
 * sources need a dir destination; owners are 0:0 from the context (kept from a stage), or
 * `--chown`'s (dirs the image lacks are made with it too, as BuildKit does); `--chmod` sets every mode; mtimes are kept. ADD unpacks a local tar archive
 * (plain or gzip) into the destination. Links are never followed in the sources; in the
 * destination's parents a link of the image is followed inside the image, as the kernel would.
 */
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { ValidationError } from '../../events/errors.js';
import type { Tree, TreeEntry } from '../containers/rootfs.js';
import { mergedTree } from '../containers/rootfs.js';
import { unpackLayer } from '../images/unpack.js';
import { cleanSource, matchSource } from './glob.js';
import { LowerView } from './lowerView.js';
import type { LayerWork } from './stageState.js';

type CopyWork = Extract<LayerWork, { kind: 'copy' }>;

export interface SourceRoot {
  tree: Tree;
  /** Keep the sources' owners (a stage's files); else 0:0 (the context's). */
  keepOwners: boolean;
}

interface Placement { uid: number; gid: number; mode?: number }

/** Follows the image's links in the parents of `rel` (inside the image); the final name stays. */
async function resolveParents(lower: LowerView, rel: string): Promise<string> {
  const parts = rel.split('/').filter(Boolean);
  const done: string[] = [];
  let hops = 0;
  while (parts.length > 1) {
    const next = parts.shift()!;
    const found = await lower.lookup([...done, next].join('/'));
    if (found?.stat.isSymbolicLink() && hops++ < 40) {
      const target = await fs.readlink(found.file);
      const resolved = path.posix.normalize(target.startsWith('/') ? target : path.posix.join('/', ...done, target)).split('/').filter(Boolean);
      done.length = 0;
      parts.unshift(...resolved);
      continue;
    }
    if (next === '..') done.pop();
    else if (next !== '.') done.push(next);
  }
  return [...done, ...parts].join('/');
}

class Stager {
  /** `created`: the owner of dirs the image lacks (--chown's, as BuildKit makes them; else root). */
  constructor(private readonly staging: string, private readonly lower: LowerView, private readonly created: { uid: number; gid: number }) {}

  /** Makes the parents of `rel` in the staging dir, each with the image's metadata (or 0755, owned by `created`). */
  async parents(rel: string): Promise<void> {
    const parts = rel.split('/');
    for (let depth = 1; depth < parts.length; depth++) {
      const sub = parts.slice(0, depth).join('/');
      const there = path.join(this.staging, sub);
      const stat = await fs.lstat(there).catch(() => null);
      if (stat?.isDirectory()) continue;
      if (stat) await fs.rm(there, { recursive: true, force: true });
      const image = await this.lower.lookup(sub);
      await fs.mkdir(there);
      const source = image?.stat.isDirectory() ? image.stat : null;
      await fs.chmod(there, source ? source.mode & 0o7777 : 0o755);
      await fs.lchown(there, source?.uid ?? this.created.uid, source?.gid ?? this.created.gid);
      if (source) await fs.utimes(there, source.atime, source.mtime);
    }
  }

  /** Places one source entry at `rel`. */
  async place(rel: string, entry: TreeEntry, owner: Placement): Promise<void> {
    await this.parents(rel);
    const target = path.join(this.staging, rel);
    const existing = await fs.lstat(target).catch(() => null);
    const from = path.join(entry.base, entry.rel);
    const { stat } = entry;
    if (stat.isDirectory()) {
      if (existing && !existing.isDirectory()) await fs.rm(target, { recursive: true, force: true });
      if (!existing?.isDirectory()) await fs.mkdir(target);
      await fs.chmod(target, owner.mode ?? stat.mode & 0o7777);
    } else {
      if (existing) await fs.rm(target, { recursive: true, force: true });
      if (stat.isSymbolicLink()) await fs.symlink(await fs.readlink(from), target);
      else if (stat.isFile()) {
        await fs.copyFile(from, target, fs.constants.COPYFILE_EXCL);
        await fs.chmod(target, owner.mode ?? stat.mode & 0o7777);
      } else return; // devices, fifos and sockets are not copied
    }
    await fs.lchown(target, owner.uid, owner.gid);
    if (!stat.isSymbolicLink()) await fs.utimes(target, stat.atime, stat.mtime);
  }

  /** Makes the destination dir itself (when the image lacks it). */
  async dir(rel: string, owner: Placement): Promise<void> {
    if (rel === '') return;
    if (await this.lower.isDir(rel)) return this.parents(`${rel}/x`);
    await this.parents(rel);
    const target = path.join(this.staging, rel);
    if (!(await fs.lstat(target).catch(() => null))?.isDirectory()) await fs.mkdir(target);
    await fs.chmod(target, 0o755);
    await fs.lchown(target, owner.uid, owner.gid);
  }
}

async function isArchive(file: string): Promise<boolean> {
  const handle = await fs.open(file, 'r');
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await handle.read(head, 0, 512, 0);
    if (bytesRead >= 2 && head[0] === 0x1f && head[1] === 0x8b) return true;
    return bytesRead >= 262 && head.toString('latin1', 257, 262) === 'ustar';
  } finally {
    await handle.close();
  }
}

/** ADD of a local archive: unpacked (safely, as a layer) into a scratch dir, then placed. */
async function addArchive(stager: Stager, file: string, destRel: string, scratch: string, owner: Placement | null): Promise<void> {
  await fs.mkdir(scratch);
  const head = Buffer.alloc(2);
  const handle = await fs.open(file, 'r');
  await handle.read(head, 0, 2, 0);
  await handle.close();
  const stream: Readable = head[0] === 0x1f && head[1] === 0x8b ? createReadStream(file).pipe(createGunzip()) : createReadStream(file);
  await unpackLayer(stream, scratch);
  const tree = await mergedTree([scratch], null);
  await stager.dir(destRel, owner ?? { uid: 0, gid: 0 });
  for (const [rel, entry] of [...tree].sort(([a], [b]) => (a < b ? -1 : 1))) {
    await stager.place(path.posix.join(destRel, rel), entry, owner ?? { uid: entry.stat.uid, gid: entry.stat.gid });
  }
}

/**
 * Stages `work` into `staging` (an empty dir), reading from `root`; `layers` are the image's
 * layer dirs (bottom first), `owner` the resolved --chown. `scratch` is a dir for unpacking.
 */
export async function stageCopy(staging: string, scratch: string, root: SourceRoot, layers: string[], work: CopyWork, owner: { uid: number; gid: number } | null): Promise<void> {
  const lower = new LowerView(layers);
  const stager = new Stager(staging, lower, owner ?? { uid: 0, gid: 0 });
  const mode = work.chmod !== undefined ? parseMode(work.chmod) : undefined;
  const ownerOf = (entry: TreeEntry): Placement => ({
    ...(owner ?? (root.keepOwners ? { uid: entry.stat.uid, gid: entry.stat.gid } : { uid: 0, gid: 0 })),
    ...(mode !== undefined ? { mode } : {}),
  });
  const destRel = await resolveParents(lower, cleanSource(work.dest));
  const keys = [...root.tree.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const matched = work.sources.map((source) => {
    const matches = matchSource(keys, source);
    if (matches.length === 0) throw new ValidationError(`failed to compute cache key: failed to calculate checksum of ref: "/${cleanSource(source)}": not found`);
    return matches;
  });
  const many = matched.flat().length > 1;
  if (many && !work.dest.endsWith('/')) throw new ValidationError(`When using ${work.add ? 'ADD' : 'COPY'} with more than one source file, the destination must be a directory and end with a /`);
  let archives = 0;
  for (const match of matched.flat()) {
    const entry = match === '' ? null : root.tree.get(match)!;
    if (entry === null || entry.stat.isDirectory()) {
      await stager.dir(destRel, { ...(owner ?? { uid: 0, gid: 0 }) });
      const prefix = match === '' ? '' : `${match}/`;
      for (const key of keys) {
        if (!key.startsWith(prefix) || key === match) continue;
        await stager.place(path.posix.join(destRel, key.slice(prefix.length)), root.tree.get(key)!, ownerOf(root.tree.get(key)!));
      }
      continue;
    }
    const file = path.join(entry.base, entry.rel);
    if (work.add && entry.stat.isFile() && await isArchive(file)) {
      await addArchive(stager, file, destRel, path.join(scratch, `archive-${archives++}`), owner);
      continue;
    }
    const intoDir = work.dest.endsWith('/') || many || await lower.isDir(destRel) || destRel === '';
    await stager.place(intoDir ? path.posix.join(destRel, path.posix.basename(match)) : destRel, entry, ownerOf(entry));
  }
}

function parseMode(text: string): number {
  if (!/^[0-7]{1,4}$/.test(text)) throw new ValidationError(`invalid chmod parameter: ${text}: only octal modes are supported`);
  return parseInt(text, 8);
}
