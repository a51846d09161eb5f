/**
 * Reading tar with tar-stream (ustar, GNU long names, PAX), as an async iterator of entries
 * whose bodies are streamed, one at a time and in order, with backpressure. This module adds
 * what the unpacker needs on top: PAX uid/gid/mtime and SCHILY.xattr.* records, strict checks of
 * every number, entry and size limits enforced from the header before the body is read, and
 * ArchiveErrors with plain messages.
 */
import { extract, type Header } from 'tar-stream';
import { ArchiveError } from '../../events/errors.js';

export type EntryType = 'file' | 'hardlink' | 'symlink' | 'char' | 'block' | 'dir' | 'fifo';

/** One archive member, with PAX and GNU extensions folded in. */
export interface TarEntry {
  /** The path as written in the archive (not yet checked). */
  path: string;
  type: EntryType;
  /** Permission bits, including setuid/setgid/sticky. */
  mode: number;
  uid: number;
  gid: number;
  /** Bytes of the body (0 for everything but files). */
  size: number;
  /** Modification time in seconds since the epoch. */
  mtime: number;
  /** The target of a symlink or hard link. */
  linkpath: string;
  devmajor: number;
  devminor: number;
  /** Extended attributes from PAX `SCHILY.xattr.<name>` records. */
  xattrs: Map<string, Buffer>;
}

export interface TarLimits {
  /** The most body bytes all entries may add up to. */
  maxBytes: number;
  /** The most entries. */
  maxEntries: number;
}

/** The bytes of one entry's body; what the consumer leaves unread is skipped. */
export type Body = AsyncIterable<Buffer>;

/** An entry stream as tar-stream hands it out. */
type Member = AsyncIterable<Buffer> & { header: Header };

/** A body to stream to the consumer. */
export interface TarMember {
  entry: TarEntry;
  body: Body;
}

const TYPES: Partial<Record<Header['type'], EntryType>> = {
  file: 'file', 'contiguous-file': 'file', link: 'hardlink', symlink: 'symlink',
  'character-device': 'char', 'block-device': 'block', directory: 'dir', fifo: 'fifo',
};

/** tar-stream's own errors, as ArchiveErrors; anything else (the source's, the consumer's) is kept. */
const MESSAGES: Record<string, string> = {
  'Invalid tar header. Maybe the tar is corrupted or it needs to be gunzipped?': 'bad tar header checksum (not a tar archive, or a corrupt one)',
  'Unexpected end of data': 'the archive ends in the middle of an entry (truncated)',
  'Header exceeds max size': 'a tar extension header over 4 MiB is absurd',
  'Invalid header': 'bad size in a tar header',
};

function archiveError(error: unknown): unknown {
  const message = error instanceof Error && !(error instanceof ArchiveError) ? MESSAGES[error.message] : undefined;
  return message ? new ArchiveError(message, { cause: error }) : error;
}

/** tar-stream parses numbers leniently (NaN, negative base-256): each one is checked here. */
function count(value: number | undefined, field: string): number {
  const n = value ?? 0;
  if (!Number.isSafeInteger(n) || n < 0) throw new ArchiveError(`bad ${field} in a tar header`);
  return n;
}

function paxNumber(value: string, key: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new ArchiveError(`bad PAX ${key} "${value}"`);
  return Number(value);
}

function toEntry(header: Header): TarEntry {
  // An entry type tar-stream does not know (sparse, volume labels...) comes as null.
  const type = (TYPES as Record<string, EntryType | undefined>)[String(header.type)];
  if (!type) throw new ArchiveError(`unsupported tar entry type "${header.type ?? 'unknown'}" at ${JSON.stringify(header.name)}`);
  const mtime = header.mtime?.getTime() ?? 0;
  const entry: TarEntry = {
    path: header.name,
    type,
    mode: count(header.mode, 'mode') & 0o7777,
    uid: count(header.uid, 'uid'),
    gid: count(header.gid, 'gid'),
    size: count(header.size, 'size'),
    mtime: count(Number.isFinite(mtime) ? Math.floor(mtime / 1000) : NaN, 'mtime'),
    linkpath: header.linkname ?? '',
    devmajor: type === 'char' || type === 'block' ? count(header.devmajor, 'devmajor') : 0,
    devminor: type === 'char' || type === 'block' ? count(header.devminor, 'devminor') : 0,
    xattrs: new Map(),
  };
  // tar-stream applies PAX path, linkpath and size itself (size is checked again here).
  for (const [key, value] of Object.entries((header.pax ?? {}) as Record<string, string>)) {
    if (key === 'size') paxNumber(value, key);
    else if (key === 'uid' || key === 'gid') entry[key] = paxNumber(value, key);
    else if (key === 'mtime') entry.mtime = Math.floor(Number(value)) || 0;
    else if (key.startsWith('SCHILY.xattr.')) {
      // tar-stream decodes PAX values as UTF-8: a binary value that is not valid UTF-8 comes back
      // with U+FFFD in it and cannot be restored, so it is dropped rather than set wrong.
      if (!value.includes('\uFFFD')) entry.xattrs.set(key.slice('SCHILY.xattr.'.length), Buffer.from(value, 'utf8'));
    }
  }
  return entry;
}

/**
 * The body, read through the entry stream's iterator without ever closing it (closing it would
 * destroy the whole extractor); what the consumer leaves unread, `skip` reads and drops.
 */
function bodyOf(stream: Member): { body: Body; skip: () => Promise<void> } {
  const iterator = stream[Symbol.asyncIterator]();
  const next = () => iterator.next().catch((error: unknown) => { throw archiveError(error); });
  async function* body(): AsyncGenerator<Buffer> {
    for (let part = await next(); !part.done; part = await next()) yield part.value;
  }
  return { body: body(), skip: async () => { while (!(await next()).done); } };
}

/** Reads entries one at a time; the consumer must finish with one body before asking for the next. */
export async function* readTar(source: AsyncIterable<Uint8Array>, limits: TarLimits): AsyncGenerator<TarMember> {
  // Like the hand-written reader before, headers without the ustar magic (v7 tar) are read too.
  const extractor = extract({ allowUnknownFormat: true } as Parameters<typeof extract>[0]);
  // Every byte of the source is written, padding after the end included, so digests cover it all.
  const pump = (async () => {
    for await (const chunk of source) {
      if (extractor.destroyed) return;
      if (!extractor.write(chunk)) {
        await new Promise<void>((resolve) => {
          const done = () => { extractor.off('drain', done).off('close', done); resolve(); };
          extractor.on('drain', done).on('close', done);
        });
      }
    }
    extractor.end(undefined);
  })().catch((error: unknown) => { extractor.destroy(error as Error); });
  let total = 0;
  let entries = 0;
  try {
    const members = (extractor as AsyncIterable<unknown> as AsyncIterable<Member>)[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<Member>;
      try {
        next = await members.next();
      } catch (error) {
        throw archiveError(error);
      }
      if (next.done) break;
      const entry = toEntry(next.value.header);
      if (++entries > limits.maxEntries) throw new ArchiveError(`more than ${limits.maxEntries} entries`);
      total += entry.size;
      if (total > limits.maxBytes) throw new ArchiveError(`entry ${entry.path}: ${entry.size} bytes takes the layer past its limit of ${limits.maxBytes} bytes`);
      const { body, skip } = bodyOf(next.value);
      yield { entry, body };
      await skip();
    }
    await pump;
  } finally {
    if (!extractor.destroyed) extractor.destroy(null);
  }
}
