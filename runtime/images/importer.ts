/**
 * `import`: a root filesystem tarball (plain or gzip) becomes a one-layer image. The blob and
 * the unpacked layer are content-addressed, so importing the same tar twice stores it once.
 */
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import * as tar from 'tar';
import type { ImageRecord } from '../../events/image.js';
import { NotFoundError, ValidationError } from '../../events/errors.js';
import type { Layout } from '../layout.js';
import { HashingStream, chainIds, hexOf, sha256 } from './digest.js';

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

async function isGzip(file: string): Promise<boolean> {
  const handle = await fs.open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(() => true, () => false);
}

/** Unpacks `file` into the layer store and writes the blob and the config; returns the record. */
export async function importRootfs(layout: Layout, file: string, tags: string[]): Promise<ImageRecord> {
  const stat = await fs.stat(file).catch(() => null);
  if (!stat?.isFile()) throw new NotFoundError(`import: ${file}: no such file`);
  const tmpId = randomBytes(8).toString('hex');
  const tmpLayer = path.join(layout.layersDir, `.tmp-${tmpId}`);
  const tmpBlob = path.join(layout.blobsDir, `.tmp-${tmpId}`);
  await fs.mkdir(tmpLayer, { recursive: true, mode: 0o700 });
  await fs.mkdir(layout.blobsDir, { recursive: true, mode: 0o700 });
  try {
    const blobHash = new HashingStream();
    const diffHash = new HashingStream();
    let size = 0;
    const unpack = tar.x({
      cwd: tmpLayer,
      strict: true,
      preservePaths: false,
      onReadEntry: (entry) => { size += entry.size ?? 0; },
    });
    const gz = await isGzip(file);
    // The blob is the file as given; the diff id is the digest of the uncompressed tar.
    await fs.copyFile(file, tmpBlob);
    await pipeline(createReadStream(file), blobHash, ...(gz ? [createGunzip()] : []), diffHash, unpack);
    const diffId = diffHash.digest();
    const [chainId] = chainIds([diffId]);
    const blobHex = hexOf(blobHash.digest());
    await fs.rename(tmpBlob, layout.blob(blobHex));
    const layerDir = layout.layer(hexOf(chainId));
    if (await exists(layerDir)) await fs.rm(tmpLayer, { recursive: true, force: true });
    else await fs.rename(tmpLayer, layerDir);

    const created = new Date().toISOString();
    const config = {
      created,
      architecture: 'amd64',
      os: 'linux',
      config: { Env: [DEFAULT_PATH] },
      rootfs: { type: 'layers', diff_ids: [diffId] },
      history: [{ created, created_by: 'berth import' }],
    };
    const configBytes = JSON.stringify(config);
    const configDigest = sha256(configBytes);
    await fs.writeFile(layout.blob(hexOf(configDigest)), configBytes, { mode: 0o600 });
    return {
      configDigest, diffIds: [diffId], chainIds: [chainId], size, tags,
      env: [DEFAULT_PATH], cmd: [], entrypoint: [], workingDir: '', created,
    };
  } catch (error) {
    await fs.rm(tmpLayer, { recursive: true, force: true });
    await fs.rm(tmpBlob, { force: true });
    if (error instanceof NotFoundError) throw error;
    throw new ValidationError(`import: ${file}: not a valid tar archive (${(error as Error).message})`, { cause: error });
  }
}
