/**
 * `commit`: a container's upper dir becomes a layer on top of its image's, stored as a pulled
 * one is (the tar as an uncompressed blob, so its digest is the diff id; unpacked by the same
 * unpacker into `layers/<chainid>`), and a new config blob records it (commitConfig.ts).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import { pipeline, type Writable } from 'node:stream';
import type { ImageRecord } from '../../events/image.js';
import type { Layout } from '../layout.js';
import { writeUpperLayer } from '../containers/upperLayer.js';
import { commitConfig, type CommitMeta, type ContainerRunConfig } from './commitConfig.js';
import { chainIds, hexOf, sha256 } from './digest.js';
import { parseImageConfig, recordFromConfig } from './imageConfig.js';
import { unpackBlobFile } from './layerStore.js';
import { countingStream, type ProgressReport } from './progress.js';

export type CommitRequest = Omit<CommitMeta, 'diffId'> & {
  tags: string[];
  /** The layer's tar: writing (bytes so far, total unknown), then written, under the container's id. */
  progress?: ProgressReport;
};

/**
 * The layer of `upper` (an overlay upper dir, or any dir laid out as one) over the layers
 * `parentDiffIds`, in the store: its diff id and size, or null when the dir is empty. `report`
 * hears the tar's bytes as it is written; `freeze` runs the writing (commit freezes the container).
 */
export async function storeUpperLayer(
  layout: Layout,
  parentDiffIds: string[],
  upper: string,
  report?: (status: 'writing' | 'written', bytes: number) => void,
  freeze: <T>(work: () => Promise<T>) => Promise<T> = (work) => work(),
): Promise<{ diffId: string; size: number } | null> {
  await fs.mkdir(layout.blobsDir, { recursive: true, mode: 0o700 });
  const tmpBlob = path.join(layout.blobsDir, `.tmp-${randomBytes(8).toString('hex')}`);
  try {
    const handle = await fs.open(tmpBlob, 'wx', 0o600);
    const file = handle.createWriteStream();
    let out: Writable = file;
    if (report) {
      const counter = countingStream((bytes) => report('writing', bytes));
      pipeline(counter, file, () => {});
      out = counter;
    }
    const entries = await freeze(() => writeUpperLayer(upper, out));
    if (!file.closed) await once(file, 'close');
    report?.('written', file.bytesWritten);
    if (entries === 0) return null;
    const { diffId, size } = await unpackBlobFile(layout, tmpBlob, null, (d) => chainIds([...parentDiffIds, d]).at(-1)!);
    await fs.rename(tmpBlob, layout.blob(hexOf(diffId)));
    return { diffId, size };
  } finally {
    await fs.rm(tmpBlob, { force: true });
  }
}

/**
 * Commits the upper dir over `parent`; `freeze` runs the tar's writing with the container
 * frozen (or not, for --pause=false). Returns the new image's record.
 */
export async function commitContainer(
  layout: Layout,
  parent: ImageRecord,
  upper: string,
  container: ContainerRunConfig,
  request: CommitRequest,
  freeze: <T>(work: () => Promise<T>) => Promise<T>,
): Promise<ImageRecord> {
  const parentBlob = JSON.parse(await fs.readFile(layout.blob(hexOf(parent.configDigest)), 'utf8'));
  const report = request.progress && ((status: 'writing' | 'written', bytes: number) => request.progress?.({ layer: request.container, status, bytes, total: 0 }));
  const layer = await storeUpperLayer(layout, parent.diffIds, upper, report || undefined, freeze);
  const { tags: _tags, progress: _progress, ...meta } = request;
  const blob = commitConfig(parentBlob, parent, container, { ...meta, diffId: layer?.diffId ?? null });
  const bytes = JSON.stringify(blob);
  const configDigest = sha256(bytes);
  await fs.writeFile(layout.blob(hexOf(configDigest)), bytes, { mode: 0o600 });
  const record = recordFromConfig(configDigest, parseImageConfig(Buffer.from(bytes)));
  return {
    ...record,
    size: parent.size + (layer?.size ?? 0),
    tags: request.tags,
    ...(parent.layerBlobs ? { layerBlobs: [...parent.layerBlobs, ...(layer ? [layer.diffId] : [])] } : {}),
  };
}
