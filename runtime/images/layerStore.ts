/**
 * Blobs become unpacked layers: a (possibly compressed) layer blob is streamed through the
 * decompressor and the diff-id hash into a fresh temp dir, checked, and renamed to
 * `layers/<chainid>`. A failure of any kind leaves no layer dir behind.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Layout } from '../layout.js';
import { ArchiveError } from '../../events/errors.js';
import { HashingStream, hexOf } from './digest.js';
import { countingStream } from './progress.js';
import { treeSize } from '../diskUsage.js';
import { unpackLayer, DEFAULT_LIMITS } from './unpack.js';

export type Compression = 'gzip' | 'zstd' | 'none';

/** Compression by magic number: gzip 1f 8b, zstd 28 b5 2f fd. */
export function compressionOf(head: Uint8Array): Compression {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return 'none';
}

export async function fileCompression(file: string): Promise<Compression> {
  const handle = await fs.open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4), 0, 4, 0);
    return compressionOf(buffer.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

/**
 * The output chunk of a layer's gunzip: zlib's default (16 kB) made 2,640 chunks of 33 MiB,
 * each a callback, a stream write and a hash update; 256 kB ones took gunzip and hashing of
 * 33 MiB from 75-108 ms to about 55 here.
 */
const GUNZIP_CHUNK = 256 * 1024;

export const exists = (p: string): Promise<boolean> => fs.access(p).then(() => true, () => false);

export function layerExists(layout: Layout, chainId: string): Promise<boolean> {
  return exists(layout.layer(hexOf(chainId)));
}

export interface UnpackedLayer {
  diffId: string;
  /** Bytes of file content. */
  size: number;
}

/**
 * Unpacks a layer blob file. `expectedDiffId`, when known (a pull or load), must match the
 * uncompressed digest; `chainIdOf` names the layer dir from the diff id; `onBytes` hears the
 * blob's bytes read so far.
 */
export async function unpackBlobFile(
  layout: Layout,
  file: string,
  expectedDiffId: string | null,
  chainIdOf: (diffId: string) => string,
  onBytes?: (bytes: number) => void,
): Promise<UnpackedLayer> {
  const compression = unpackable(await fileCompression(file), path.basename(file));
  const source = createReadStream(file);
  return unpackStream(layout, onBytes ? pipeline(source, countingStream(onBytes), () => {}) : source, compression, expectedDiffId, chainIdOf);
}

/** `compression`, when this Node can unpack it; `name` says which blob when it cannot. */
export function unpackable(compression: Compression, name: string): Compression {
  if (compression === 'zstd') throw new ArchiveError(`${name}: zstd layers need Node's zstd support (Node 22.15 or newer)`);
  return compression;
}

/**
 * Unpacks a layer from a stream into a temp dir, checks its diff id, and renames it into
 * place; `stored`, when given (a blob unpacked while it downloads), must settle fulfilled
 * first: the layer of a blob that failed its digest never becomes visible.
 */
export async function unpackStream(
  layout: Layout,
  source: Readable,
  compression: Compression,
  expectedDiffId: string | null,
  chainIdOf: (diffId: string) => string,
  stored?: Promise<void>,
): Promise<UnpackedLayer> {
  await fs.mkdir(layout.layersDir, { recursive: true, mode: 0o700 });
  const tmp = path.join(layout.layersDir, `.tmp-${randomBytes(8).toString('hex')}`);
  await fs.mkdir(tmp, { mode: 0o755 });
  try {
    const diffHash = new HashingStream();
    // pipeline() destroys diffHash with the first error of any stage, so the reader sees it.
    const stages: NodeJS.ReadWriteStream[] = compression === 'gzip' ? [createGunzip({ chunkSize: GUNZIP_CHUNK }), diffHash] : [diffHash];
    pipeline([source, ...stages], () => {});
    const result = await unpackLayer(diffHash, tmp, DEFAULT_LIMITS);
    const diffId = diffHash.digest();
    if (expectedDiffId !== null && diffId !== expectedDiffId) {
      throw new ArchiveError(`layer content ${diffId} does not match its diff id ${expectedDiffId}`);
    }
    await stored;
    const dir = layout.layer(hexOf(chainIdOf(diffId)));
    if (await exists(dir)) await fs.rm(tmp, { recursive: true, force: true });
    else await fs.rename(tmp, dir);
    return { diffId, size: result.bytes };
  } catch (error) {
    source.destroy();
    await fs.rm(tmp, { recursive: true, force: true });
    if (error instanceof Error && 'code' in error && (error as NodeJS.ErrnoException).code === 'Z_DATA_ERROR') {
      throw new ArchiveError(`not a valid gzip stream (${error.message})`, { cause: error });
    }
    throw error;
  }
}

/** Bytes of file content in an unpacked layer (for a layer unpacked by an earlier pull). */
export function layerSize(layout: Layout, chainId: string): Promise<number> {
  return treeSize(layout.layer(hexOf(chainId)));
}

/** Checks a layer blob file against a diff id without unpacking it (for a layer the store already has). */
export async function verifyDiffId(file: string, diffId: string): Promise<void> {
  const compression = unpackable(await fileCompression(file), path.basename(file));
  const hash = new HashingStream();
  const stages: NodeJS.ReadWriteStream[] = compression === 'gzip' ? [createGunzip({ chunkSize: GUNZIP_CHUNK }), hash] : [hash];
  pipeline([createReadStream(file), ...stages], () => {});
  for await (const _ of hash);
  const actual = hash.digest();
  if (actual !== diffId) throw new ArchiveError(`layer content ${actual} does not match its diff id ${diffId}`);
}
