/**
 * The uploaded context read as an index, without unpacking it: each path's type, mode, link
 * target and content digest, from one pass over the tar. It gives a COPY or ADD from the context
 * a digest of exactly what staging would read (the matched entries and everything under a
 * matched dir), so the builder can look the step up in the cache before staging anything
 * (actors/build/execute.ts). A context whose unpacking would not be a plain copy of its entries
 * (a path twice, a hard link, a device or fifo, a whiteout name, a parent it lacks, a bad
 * archive) has no index: the builder then unpacks and stages it as before.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { NotFoundError } from '../../events/errors.js';
import { classifyWhiteout, entryComponents } from '../images/entryPath.js';
import { fileCompression } from '../images/layerStore.js';
import { readTar } from '../images/tarReader.js';
import { DEFAULT_LIMITS } from '../images/unpack.js';
import { cleanSource, matchSource } from './glob.js';

/** What staging reads of one context path (owners are not: a context's files go as 0:0 or --chown's). */
export interface IndexedEntry {
  type: 'file' | 'dir' | 'symlink';
  /** Permission bits, as the unpacker sets them. */
  mode: number;
  /** A file's sha256 or a symlink's target; '' for a dir. */
  content: string;
}

export interface ContextIndex {
  entries: Map<string, IndexedEntry>;
  /** The text of the file asked for (the Dockerfile), when it is a plain file of the context. */
  kept?: string;
}

/** The context tar (plain or gzip) as a stream of tar bytes. */
export async function openContextTar(tarFile: string): Promise<Readable> {
  const compression = await fileCompression(tarFile).catch(() => { throw new NotFoundError(`build context ${tarFile}: no such file`); });
  return compression === 'gzip' ? createReadStream(tarFile).pipe(createGunzip()) : createReadStream(tarFile);
}

/** Indexes the context tar; null when the fast path cannot vouch for it (see the header). `keep`: a path whose text to keep. */
export async function indexContext(tarFile: string, keep?: string): Promise<ContextIndex | null> {
  const entries = new Map<string, IndexedEntry>();
  let kept: string | undefined;
  try {
    for await (const { entry, body } of readTar(await openContextTar(tarFile), DEFAULT_LIMITS)) {
      const components = entryComponents(entry.path);
      if (components.length === 0) {
        if (entry.type !== 'dir') return null;
        continue;
      }
      const rel = components.join('/');
      if (entries.has(rel) || components.some((part) => classifyWhiteout([part]).kind !== 'none')) return null;
      const parent = components.slice(0, -1).join('/');
      if (parent !== '' && entries.get(parent)?.type !== 'dir') return null;
      const mode = entry.mode & 0o7777;
      if (entry.type === 'dir') entries.set(rel, { type: 'dir', mode, content: '' });
      else if (entry.type === 'symlink') entries.set(rel, { type: 'symlink', mode, content: entry.linkpath });
      else if (entry.type === 'file') {
        const hash = createHash('sha256');
        const chunks: Buffer[] | null = rel === keep ? [] : null;
        for await (const chunk of body) {
          hash.update(chunk);
          chunks?.push(chunk);
        }
        if (chunks) kept = Buffer.concat(chunks).toString('utf8');
        entries.set(rel, { type: 'file', mode, content: hash.digest('hex') });
      } else return null;
    }
  } catch {
    return null; // unpacking will say what is wrong with it
  }
  return { entries, ...(kept !== undefined ? { kept } : {}) };
}

/**
 * The digest of what a COPY or ADD of `sources` reads from the context: each source's matches
 * and, under a matched dir (or the whole context), every entry with its type, mode and content.
 * Null when a source matches nothing (staging then gives the error).
 */
export function sourcesDigest(index: ContextIndex, sources: string[]): string | null {
  const keys = [...index.entries.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const rows: string[] = [];
  for (const source of sources) {
    const matches = matchSource(keys, source);
    if (matches.length === 0) return null;
    rows.push(JSON.stringify(['source', cleanSource(source), matches]));
    for (const match of matches) {
      const prefix = match === '' ? '' : `${match}/`;
      for (const key of keys) {
        if (key !== match && !key.startsWith(prefix)) continue;
        const { type, mode, content } = index.entries.get(key)!;
        rows.push(JSON.stringify([key, type, mode, content]));
      }
    }
  }
  return createHash('sha256').update(rows.join('\n')).digest('hex');
}
