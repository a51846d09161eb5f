/**
 * The OCI manifest of a stored image, as save (OCI layout) and push write it: the config blob
 * and each layer blob as stored (gzip or plain), with their sizes and media types.
 */
import fs from 'node:fs/promises';
import { NotFoundError } from '../../events/errors.js';
import type { ImageRecord } from '../../events/image.js';
import type { Layout } from '../layout.js';
import { hexOf, sha256 } from './digest.js';
import { fileCompression } from './layerStore.js';
import { MediaType, type Descriptor } from './manifest.js';

/** The stored blob of each layer; an image from before blobs were recorded cannot be saved or pushed. */
export async function layerFiles(layout: Layout, record: ImageRecord): Promise<string[]> {
  const blobs = record.layerBlobs ?? [];
  if (blobs.length !== record.diffIds.length) throw new NotFoundError(`image ${record.configDigest.slice(7, 19)}: its layer blobs were not recorded, so it cannot be saved or pushed`);
  return Promise.all(blobs.map(async (digest) => {
    const file = layout.blob(hexOf(digest));
    if (!(await fs.stat(file).catch(() => null))) throw new NotFoundError(`layer blob ${digest} is not in the store (pull the image again)`);
    return file;
  }));
}

export interface DescribedImage {
  /** The manifest's bytes, exactly as written (its digest is the digest of these). */
  manifest: Buffer;
  digest: string;
  config: Descriptor & { file: string };
  layers: (Descriptor & { file: string })[];
}

/** The OCI manifest JSON for a config and layers. Pure. */
export function manifestBytes(config: Descriptor, layers: Descriptor[]): Buffer {
  const strip = ({ mediaType, digest, size }: Descriptor) => ({ mediaType, digest, size });
  return Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociManifest, config: strip(config), layers: layers.map(strip) }));
}

/** Describes a stored image: its blobs (paths, sizes, media types) and its OCI manifest. */
export async function describeImage(layout: Layout, record: ImageRecord): Promise<DescribedImage> {
  const files = await layerFiles(layout, record);
  const layers = await Promise.all(files.map(async (file, i) => ({
    mediaType: (await fileCompression(file)) === 'gzip' ? MediaType.ociLayerGzip : MediaType.ociLayer,
    digest: record.layerBlobs![i]!,
    size: (await fs.stat(file)).size,
    file,
  })));
  const configFile = layout.blob(hexOf(record.configDigest));
  const configStat = await fs.stat(configFile).catch(() => null);
  if (!configStat) throw new NotFoundError(`the config blob of image ${record.configDigest.slice(7, 19)} is not in the store`);
  const config = { mediaType: MediaType.ociConfig, digest: record.configDigest, size: configStat.size, file: configFile };
  const manifest = manifestBytes(config, layers);
  return { manifest, digest: sha256(manifest), config, layers };
}
