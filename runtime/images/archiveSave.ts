/**
 * `save`: images to one tar, as a docker-archive (manifest.json, <config>.json, <diff>/layer.tar
 * with uncompressed layers: what `docker load` reads) or an OCI image layout (blobs as stored,
 * a manifest per image, index.json naming each tag). Streams; nothing is staged on disk.
 */
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { ImageRecord } from '../../events/image.js';
import type { Layout } from '../layout.js';
import { hexOf } from './digest.js';
import { describeImage, layerFiles } from './imageManifest.js';
import { fileCompression } from './layerStore.js';
import { MediaType } from './manifest.js';
import { TarWriter } from './tarWriter.js';
import { writeAtomically } from '../atomicFile.js';
import { countingStream, type ProgressReport } from './progress.js';

export type SaveFormat = 'docker-archive' | 'oci-archive';

/** An uncompressed view of a blob: its size (a first pass for gzip) and a stream of it. */
async function uncompressed(file: string): Promise<{ size: number; open: () => NodeJS.ReadableStream }> {
  if ((await fileCompression(file)) !== 'gzip') return { size: (await fs.stat(file)).size, open: () => createReadStream(file) };
  const open = () => pipeline(createReadStream(file), createGunzip(), () => {});
  let size = 0;
  for await (const chunk of open()) size += (chunk as Buffer).length;
  return { size, open };
}

async function writeStream(tar: TarWriter, path: string, size: number, stream: NodeJS.ReadableStream): Promise<void> {
  await tar.stream({ path, type: 'file', mode: 0o644 }, size, stream);
}

/** Writes one layer, reporting saving (bytes written) and saved under `layer`. */
async function writeLayer(tar: TarWriter, path: string, size: number, stream: NodeJS.ReadableStream, layer: string, progress?: ProgressReport): Promise<void> {
  if (!progress) return writeStream(tar, path, size, stream);
  progress({ layer, status: 'saving', bytes: 0, total: size });
  await writeStream(tar, path, size, pipeline(stream, countingStream((bytes) => progress({ layer, status: 'saving', bytes, total: size })), () => {}));
  progress({ layer, status: 'saved', bytes: size, total: size });
}

async function saveDocker(layout: Layout, records: ImageRecord[], tar: TarWriter, progress?: ProgressReport): Promise<void> {
  const manifest = [];
  const written = new Set<string>();
  for (const record of records) {
    const config = await fs.readFile(layout.blob(hexOf(record.configDigest)));
    await tar.entry({ path: `${hexOf(record.configDigest)}.json`, type: 'file', mode: 0o644 }, config);
    const files = await layerFiles(layout, record);
    const layers = record.diffIds.map((d) => `${hexOf(d)}/layer.tar`);
    for (const [i, file] of files.entries()) {
      if (written.has(layers[i]!)) continue;
      written.add(layers[i]!);
      const { size, open } = await uncompressed(file);
      await tar.entry({ path: `${hexOf(record.diffIds[i]!)}/`, type: 'dir' });
      await writeLayer(tar, layers[i]!, size, open(), record.diffIds[i]!, progress);
    }
    manifest.push({ Config: `${hexOf(record.configDigest)}.json`, RepoTags: record.tags, Layers: layers });
  }
  await tar.entry({ path: 'manifest.json', type: 'file', mode: 0o644 }, Buffer.from(JSON.stringify(manifest)));
}

async function saveOci(layout: Layout, records: ImageRecord[], tar: TarWriter, progress?: ProgressReport): Promise<void> {
  const written = new Set<string>();
  const blob = async (digest: string, size: number, data: Buffer | string, layer = false): Promise<void> => {
    if (written.has(digest)) return;
    written.add(digest);
    const path = `blobs/sha256/${hexOf(digest)}`;
    if (typeof data !== 'string') await tar.entry({ path, type: 'file', mode: 0o644 }, data);
    else if (layer) await writeLayer(tar, path, size, createReadStream(data), digest, progress);
    else await writeStream(tar, path, size, createReadStream(data));
  };
  await tar.entry({ path: 'oci-layout', type: 'file', mode: 0o644 }, Buffer.from(JSON.stringify({ imageLayoutVersion: '1.0.0' })));
  await tar.entry({ path: 'blobs/', type: 'dir' });
  await tar.entry({ path: 'blobs/sha256/', type: 'dir' });
  const index = [];
  for (const record of records) {
    const image = await describeImage(layout, record);
    for (const layer of image.layers) await blob(layer.digest, layer.size, layer.file, true);
    await blob(image.config.digest, image.config.size, image.config.file);
    await blob(image.digest, image.manifest.length, image.manifest);
    const descriptor = { mediaType: MediaType.ociManifest, digest: image.digest, size: image.manifest.length };
    const names = record.tags.length ? record.tags : [null];
    for (const name of names) {
      index.push(name ? { ...descriptor, annotations: { 'io.containerd.image.name': name, 'org.opencontainers.image.ref.name': name } } : descriptor);
    }
  }
  await tar.entry({ path: 'index.json', type: 'file', mode: 0o644 }, Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: index })));
}

/** Writes the images to `file` (through a temp file renamed at the end). */
export async function saveImages(layout: Layout, records: ImageRecord[], file: string, format: SaveFormat, progress?: ProgressReport): Promise<void> {
  await writeAtomically(file, async (out) => {
    const tar = new TarWriter(out);
    if (format === 'oci-archive') await saveOci(layout, records, tar, progress);
    else await saveDocker(layout, records, tar, progress);
    await tar.end();
  });
}
