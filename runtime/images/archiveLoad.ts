/**
 * `load`: images from a docker-archive (`docker save`, `podman save`, skopeo's docker-archive:)
 * or an OCI image layout (a directory, or a tar of one). A tar is first extracted with the same
 * safe unpacker as layers; every file the archive names is resolved inside it, and every blob
 * and layer is checked against its digest or diff id.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import * as z from 'zod';
import { ArchiveError, NotFoundError } from '../../events/errors.js';
import type { ImageRecord } from '../../events/image.js';
import type { Layout } from '../layout.js';
import { sha256 } from './digest.js';
import { entryComponents } from './entryPath.js';
import { parseImageConfig, recordFromConfig } from './imageConfig.js';
import { exists, fileCompression, layerExists, layerSize, unpackBlobFile, verifyDiffId } from './layerStore.js';
import { hostPlatform, parseManifest, selectPlatform, type Descriptor } from './manifest.js';
import { normalizeReference, parseReference } from './reference.js';
import { unpackLayer } from './unpack.js';
import type { ProgressReport } from './progress.js';

const DockerManifest = z.array(z.object({ Config: z.string(), RepoTags: z.array(z.string()).nullish(), Layers: z.array(z.string()) }));
const OciIndexFile = z.object({ manifests: z.array(z.object({ mediaType: z.string(), digest: z.string(), size: z.number(), annotations: z.record(z.string(), z.string()).optional() })) });

/** A file the archive names, resolved (through any links) inside the archive's dir. */
async function inside(dir: string, name: string): Promise<string> {
  const real = await fs.realpath(path.join(dir, ...entryComponents(name, 'archive member'))).catch(() => null);
  if (real === null) throw new ArchiveError(`the archive names ${name}, which it does not contain`);
  const root = await fs.realpath(dir);
  if (!real.startsWith(`${root}/`)) throw new ArchiveError(`the archive member ${name} points outside the archive; refused`);
  return real;
}

async function digestOfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

/** Stores the config blob and unpacks the layers the store lacks; returns the record without tags. */
async function admit(layout: Layout, configBytes: Buffer, layerFiles: string[], progress?: ProgressReport): Promise<Omit<ImageRecord, 'tags'>> {
  const configDigest = sha256(configBytes);
  const base = recordFromConfig(configDigest, parseImageConfig(configBytes));
  if (base.diffIds.length !== layerFiles.length) throw new ArchiveError(`image ${configDigest}: ${layerFiles.length} layers for ${base.diffIds.length} diff ids`);
  let size = 0;
  const layerBlobs: string[] = [];
  await fs.mkdir(layout.blobsDir, { recursive: true, mode: 0o700 });
  for (const [i, file] of layerFiles.entries()) {
    const chain = base.chainIds[i]!;
    const total = progress ? (await fs.stat(file)).size : 0;
    const report = (status: 'exists' | 'loading' | 'loaded', bytes: number) => progress?.({ layer: base.diffIds[i]!, status, bytes, total });
    if (await layerExists(layout, chain)) {
      await verifyDiffId(file, base.diffIds[i]!);
      size += await layerSize(layout, chain);
      report('exists', total);
    } else {
      report('loading', 0);
      size += (await unpackBlobFile(layout, file, base.diffIds[i]!, () => chain, progress ? (bytes) => report('loading', bytes) : undefined)).size;
      report('loaded', total);
    }
    // The layer checked out against its diff id: keep its blob for save.
    const digest = await digestOfFile(file);
    if (!(await exists(layout.blob(digest.slice(7))))) await fs.copyFile(file, layout.blob(digest.slice(7)));
    layerBlobs.push(digest);
  }
  await fs.writeFile(layout.blob(configDigest.slice(7)), configBytes, { mode: 0o600 });
  return { ...base, size, layerBlobs };
}

async function loadDocker(layout: Layout, dir: string, progress?: ProgressReport): Promise<ImageRecord[]> {
  const parsed = DockerManifest.safeParse(JSON.parse(await fs.readFile(await inside(dir, 'manifest.json'), 'utf8')));
  if (!parsed.success) throw new ArchiveError('manifest.json is not a docker-archive manifest');
  const records: ImageRecord[] = [];
  for (const image of parsed.data) {
    const config = await fs.readFile(await inside(dir, image.Config));
    const layers = await Promise.all(image.Layers.map((name) => inside(dir, name)));
    const tags = (image.RepoTags ?? []).map((tag) => normalizeReference(tag));
    records.push({ ...(await admit(layout, config, layers, progress)), tags });
  }
  return records;
}

async function ociBlob(dir: string, descriptor: Pick<Descriptor, 'digest'>): Promise<string> {
  if (!/^sha256:[a-f0-9]{64}$/.test(descriptor.digest)) throw new ArchiveError(`unsupported digest ${descriptor.digest}`);
  const file = await inside(dir, `blobs/sha256/${descriptor.digest.slice(7)}`);
  const actual = await digestOfFile(file);
  if (actual !== descriptor.digest) throw new ArchiveError(`blob ${descriptor.digest}: its content is ${actual}; refused`);
  return file;
}

/** The tag an OCI index entry carries: containerd's full name, or a ref.name that is a whole reference. */
function ociTag(annotations: Record<string, string> | undefined): string[] {
  const name = annotations?.['io.containerd.image.name'] ?? annotations?.['org.opencontainers.image.ref.name'];
  if (!name) return [];
  try {
    const ref = parseReference(name);
    return ref.tag && /[:/]/.test(name) ? [`${ref.name}:${ref.tag}`] : [];
  } catch {
    return [];
  }
}

async function loadOci(layout: Layout, dir: string, progress?: ProgressReport): Promise<ImageRecord[]> {
  const index = OciIndexFile.safeParse(JSON.parse(await fs.readFile(await inside(dir, 'index.json'), 'utf8')));
  if (!index.success) throw new ArchiveError('index.json is not an OCI index');
  const records: ImageRecord[] = [];
  for (const entry of index.data.manifests) {
    let parsed = parseManifest(await fs.readFile(await ociBlob(dir, entry)), entry.mediaType);
    if (parsed.kind === 'index') {
      const chosen = selectPlatform(parsed.index, hostPlatform());
      parsed = parseManifest(await fs.readFile(await ociBlob(dir, chosen)), chosen.mediaType);
    }
    if (parsed.kind !== 'manifest') throw new ArchiveError('an index inside an index is not supported');
    const config = await fs.readFile(await ociBlob(dir, parsed.manifest.config));
    const layers = await Promise.all(parsed.manifest.layers.map((layer) => ociBlob(dir, layer)));
    records.push({ ...(await admit(layout, config, layers, progress)), tags: ociTag(entry.annotations) });
  }
  return records;
}

/** Loads every image of an archive (tar, possibly gzip, or an OCI layout dir). */
export async function loadArchive(layout: Layout, file: string, progress?: ProgressReport): Promise<ImageRecord[]> {
  const stat = await fs.stat(file).catch(() => null);
  if (!stat) throw new NotFoundError(`load: ${file}: no such file`);
  let dir = file;
  let extracted: string | null = null;
  try {
    if (!stat.isDirectory()) {
      await fs.mkdir(layout.tmpDir, { recursive: true, mode: 0o700 });
      extracted = await fs.mkdtemp(path.join(layout.tmpDir, 'load-'));
      const source = createReadStream(file);
      const stream = (await fileCompression(file)) === 'gzip' ? pipeline(source, createGunzip(), () => {}) : source;
      await unpackLayer(stream, extracted);
      dir = extracted;
    }
    if (await exists(path.join(dir, 'manifest.json'))) return await loadDocker(layout, dir, progress);
    if (await exists(path.join(dir, 'index.json'))) return await loadOci(layout, dir, progress);
    throw new ArchiveError(`load: ${file}: neither a docker-archive (manifest.json) nor an OCI layout (index.json)`);
  } finally {
    if (extracted) await fs.rm(extracted, { recursive: true, force: true });
  }
}
