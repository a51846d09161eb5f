/**
 * Writing tar with tar-stream's pack: a writer that streams files and buffers into one archive
 * with backpressure (save and export), and whole archives in memory (tests build hostile ones).
 */
import type { FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { pack, type Header, type Pack } from 'tar-stream';
import type { EntryType } from './tarReader.js';
import { BerthError } from '../../events/errors.js';

export interface HeaderFields {
  path: string;
  type: EntryType;
  size?: number;
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: number;
  linkpath?: string;
  devmajor?: number;
  devminor?: number;
  /** Extra PAX records (SCHILY.xattr.* and the like). */
  pax?: Record<string, string>;
}

type Sink = ReturnType<Pack['entry']>;

const TYPES: Record<EntryType, Header['type']> = {
  file: 'file', hardlink: 'link', symlink: 'symlink', char: 'character-device', block: 'block-device', dir: 'directory', fifo: 'fifo',
};

function header(fields: HeaderFields, size: number): Partial<Header> & { name: string } {
  return {
    name: fields.path,
    type: TYPES[fields.type],
    size,
    mode: fields.mode ?? (fields.type === 'dir' ? 0o755 : 0o644),
    uid: fields.uid ?? 0,
    gid: fields.gid ?? 0,
    mtime: new Date(Math.floor(fields.mtime ?? 0) * 1000),
    ...(fields.linkpath ? { linkname: fields.linkpath } : {}),
    devmajor: fields.devmajor ?? 0,
    devminor: fields.devminor ?? 0,
    ...(fields.pax && Object.keys(fields.pax).length ? { pax: fields.pax } : {}),
  };
}

/** Adds an entry; resolves once its body is all in the archive stream. */
function add(archive: Pack, fields: HeaderFields, size: number, write: (sink: Sink) => Promise<void>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const sink = archive.entry(header(fields, size), (error) => (error ? reject(error) : resolve()));
    write(sink).catch((error: unknown) => { sink.destroy(error as Error); reject(error); });
  });
}

async function writeAll(sink: Sink, data: AsyncIterable<unknown> | Buffer[], size: number, path: string): Promise<void> {
  let bytes = 0;
  for await (const chunk of data) {
    bytes += (chunk as Buffer).length;
    if (bytes > size) break;
    if (!sink.write(chunk)) await new Promise<void>((resolve) => sink.once('drain', () => resolve()));
  }
  if (bytes !== size) throw new BerthError(`tar: ${path}: ${bytes > size ? 'more' : bytes} bytes where ${size} were announced`);
  sink.end(undefined);
}

const CHUNK = 256 * 1024;

/** `size` bytes of `handle` from its start: what it has, then zeros. */
async function* exactly(handle: FileHandle, size: number): AsyncGenerator<Buffer> {
  let offset = 0;
  let ended = false;
  while (offset < size) {
    const buffer = Buffer.alloc(Math.min(CHUNK, size - offset));
    const bytes = ended ? buffer.length : (await handle.read(buffer, 0, buffer.length, offset)).bytesRead;
    if (bytes === 0) {
      ended = true;
      continue;
    }
    offset += bytes;
    yield bytes === buffer.length ? buffer : buffer.subarray(0, bytes);
  }
}

/** Streams entries into `out`, honouring backpressure. */
export class TarWriter {
  private readonly archive = pack();
  private readonly done: Promise<void>;

  constructor(out: Writable) {
    this.done = new Promise<void>((resolve, reject) => this.archive.pipe(out, (error) => (error ? reject(error) : resolve())));
    this.done.catch(() => {});
  }

  entry(fields: HeaderFields, data?: Buffer): Promise<void> {
    const size = data?.length ?? 0;
    return add(this.archive, fields, size, async (sink) => {
      if (fields.type === 'file') await writeAll(sink, data ? [data] : [], size, fields.path);
      else sink.end(undefined);
    });
  }

  /**
   * A regular file, read from an open handle (never a path, which a link could redirect): its
   * first `size` bytes, padded with zeros if it shrank meanwhile (as GNU tar does), so that a
   * file a running container changes cannot break the archive.
   */
  file(fields: HeaderFields, handle: FileHandle, size: number): Promise<void> {
    return this.stream(fields, size, exactly(handle, size));
  }

  /** A regular file whose content is a stream of exactly `size` bytes. */
  stream(fields: HeaderFields, size: number, source: AsyncIterable<unknown>): Promise<void> {
    return add(this.archive, { ...fields, type: 'file' }, size, (sink) => writeAll(sink, source, size, fields.path));
  }

  async end(): Promise<void> {
    this.archive.finalize();
    await this.done;
  }
}

/**
 * A whole archive in memory (tests, small files). An entry whose `size` is more than its data is
 * written as announced and the archive stops there, truncated, as a hostile one would.
 */
export async function tarBuffer(entries: Array<HeaderFields & { data?: string | Buffer }>): Promise<Buffer> {
  const archive = pack();
  const parts: Buffer[] = [];
  archive.on('data', (chunk) => parts.push(chunk as Buffer));
  const ended = new Promise<void>((resolve, reject) => archive.on('end', () => resolve()).on('error', reject));
  for (const { data, ...fields } of entries) {
    const body = data === undefined ? Buffer.alloc(0) : Buffer.from(data);
    const size = fields.size ?? body.length;
    if (size > body.length) {
      const sink = archive.entry(header(fields, size));
      sink.write(body);
      // Let the header and what there is of the body come out, then stop.
      const want = parts.reduce((n, part) => n + part.length, 0) + 512 + body.length;
      while (parts.reduce((n, part) => n + part.length, 0) < want) await new Promise((resolve) => setImmediate(resolve));
      return Buffer.concat(parts);
    }
    await new Promise<void>((resolve, reject) => archive.entry(header(fields, size), fields.type === 'file' ? body : '', (error) => (error ? reject(error) : resolve())));
  }
  archive.finalize();
  await ended;
  return Buffer.concat(parts);
}
