/**
 * `import`: a root filesystem tarball (plain or gzip) becomes a one-layer image. The blob and
 * the unpacked layer are content-addressed, so importing the same tar twice stores it once.
 * `--change` and `-m` shape the config as commit's do (configChanges.ts).
 */
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { randomBytes } from 'node:crypto';
import type { ImageRecord } from '../../events/image.js';
import { ArchiveError, NotFoundError, ValidationError } from '../../events/errors.js';
import type { Layout } from '../layout.js';
import { HashingStream, chainIds, hexOf, sha256 } from './digest.js';
import { unpackBlobFile } from './layerStore.js';
import { applyChanges, type ConfigChange } from './configChanges.js';
import { parseImageConfig, recordFromConfig } from './imageConfig.js';

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Unpacks `file` into the layer store and writes the blob and the config; returns the record. */
export interface ImportOptions {
  /** `import --change`, applied over the default config (a PATH). */
  changes: ConfigChange[];
  /** `import -m`: the history entry's comment. */
  message?: string;
}

export async function importRootfs(layout: Layout, file: string, tags: string[], options: ImportOptions = { changes: [] }): Promise<ImageRecord> {
  const stat = await fs.stat(file).catch(() => null);
  if (!stat?.isFile()) throw new NotFoundError(`import: ${file}: no such file`);
  await fs.mkdir(layout.blobsDir, { recursive: true, mode: 0o700 });
  const tmpBlob = path.join(layout.blobsDir, `.tmp-${randomBytes(8).toString('hex')}`);
  try {
    // The blob is the file as given; the diff id is the digest of the uncompressed tar.
    const blobHash = new HashingStream();
    await pipeline(createReadStream(file), blobHash, (await fs.open(tmpBlob, 'wx', 0o600)).createWriteStream());
    const { diffId, size } = await unpackBlobFile(layout, tmpBlob, null, (d) => chainIds([d])[0]!);
    const blobDigest = blobHash.digest();
    await fs.rename(tmpBlob, layout.blob(hexOf(blobDigest)));

    const created = new Date().toISOString();
    const config = {
      created,
      architecture: 'amd64',
      os: 'linux',
      config: applyChanges({ Env: [DEFAULT_PATH] }, options.changes),
      rootfs: { type: 'layers', diff_ids: [diffId] },
      history: [{ created, created_by: 'berth import', ...(options.message ? { comment: options.message } : {}) }],
    };
    const configBytes = JSON.stringify(config);
    const configDigest = sha256(configBytes);
    await fs.writeFile(layout.blob(hexOf(configDigest)), configBytes, { mode: 0o600 });
    return { ...recordFromConfig(configDigest, parseImageConfig(Buffer.from(configBytes))), size, tags, layerBlobs: [blobDigest] };
  } catch (error) {
    await fs.rm(tmpBlob, { force: true });
    if (!(error instanceof ArchiveError)) throw error;
    throw new ValidationError(`import: ${file}: not a valid tar archive (${(error as Error).message})`, { cause: error });
  }
}
