/**
 * `pull`: a reference on a registry becomes an image in the store. The manifest (after platform
 * selection in an index) and every blob are checked against their digests; layers are fetched
 * concurrently, each unpacked as its bytes arrive (into a temp dir, made visible once the blob
 * and the layer have passed their digests), and a layer already unpacked (or a blob already
 * stored) is not fetched again.
 */
import fs from 'node:fs/promises';
import type { ImageRecord } from '../../events/image.js';
import type { Progress } from '../../events/requests/image.js';
import type { ProgressReport } from './progress.js';
import { ValidationError } from '../../events/errors.js';
import type { Layout } from '../layout.js';
import { fetchBlob, fetchBlobRead } from './blobFetch.js';
import { findCredentials } from './credentials.js';
import { hexOf, sha256 } from './digest.js';
import { parseImageConfig, recordFromConfig } from './imageConfig.js';
import { compressionOf, exists, layerExists, layerSize, unpackable, unpackBlobFile, unpackStream } from './layerStore.js';
import { parseManifest, selectPlatform, type ImageManifest, type Platform } from './manifest.js';
import { parseReference, type RemoteReference } from './reference.js';
import { RegistryClient } from './registryClient.js';
import { inParallel } from '../inParallel.js';

const CONCURRENT_LAYERS = 3;

export interface PullOptions {
  platform: Platform;
  /** Registries that may be reached over plain HTTP besides loopback. */
  insecureRegistries: string[];
  /** Told each layer's status as it changes, and its bytes as they arrive. */
  progress?: ProgressReport;
}

export interface Pulled {
  record: ImageRecord;
  /** The digest of what the reference named (the index, for a multi-platform image). */
  digest: string;
  /** Layers fetched now, and layers that were already there. */
  fetched: number;
  reused: number;
}

/** The registries named insecure in BERTH_INSECURE_REGISTRIES (comma-separated). */
export function insecureFromEnv(env = process.env): string[] {
  return (env.BERTH_INSECURE_REGISTRIES ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

async function verifiedManifest(client: RegistryClient, ref: RemoteReference, reference: string, expected: string | null) {
  const { body, contentType, claimedDigest } = await client.manifest(ref.repository, reference);
  const digest = sha256(body);
  if (expected !== null && digest !== expected) throw new ValidationError(`manifest ${reference}: its content has digest ${digest}, not ${expected}; refused`);
  if (claimedDigest && claimedDigest.startsWith('sha256:') && claimedDigest !== digest) {
    throw new ValidationError(`manifest ${reference}: the registry claims ${claimedDigest} but the content is ${digest}; refused`);
  }
  return { parsed: parseManifest(body, contentType), digest };
}

export async function pullImage(layout: Layout, reference: string, options: PullOptions): Promise<Pulled> {
  const ref = parseReference(reference);
  const credentials = await findCredentials(layout.authFile, ref.registry);
  const client = new RegistryClient(ref.registry, { insecureRegistries: options.insecureRegistries, credentials });
  const top = await verifiedManifest(client, ref, ref.digest ?? ref.tag!, ref.digest);
  let manifest: ImageManifest;
  if (top.parsed.kind === 'index') {
    const chosen = selectPlatform(top.parsed.index, options.platform);
    const inner = await verifiedManifest(client, ref, chosen.digest, chosen.digest);
    if (inner.parsed.kind !== 'manifest') throw new ValidationError(`manifest ${chosen.digest}: an index inside an index is not supported`);
    manifest = inner.parsed.manifest;
  } else manifest = top.parsed.manifest;

  const configPath = await fetchBlob(client, ref.repository, manifest.config, layout);
  const config = parseImageConfig(await fs.readFile(configPath));
  const base = recordFromConfig(manifest.config.digest, config);
  if (base.diffIds.length !== manifest.layers.length) {
    throw new ValidationError(`image ${reference}: the manifest has ${manifest.layers.length} layers but the config ${base.diffIds.length} diff ids`);
  }
  let fetched = 0;
  const report = (layer: { digest: string; size: number }, status: Progress['status'], bytes = 0) =>
    options.progress?.({ layer: layer.digest, status, bytes, total: layer.size });
  for (const layer of manifest.layers) report(layer, 'waiting');
  const sizes = await inParallel(manifest.layers, CONCURRENT_LAYERS, async (layer, i) => {
    const chain = base.chainIds[i]!;
    if (await layerExists(layout, chain)) {
      report(layer, 'exists', layer.size);
      return layerSize(layout, chain);
    }
    if (!(await exists(layout.blob(hexOf(layer.digest))))) fetched++;
    const diffId = base.diffIds[i]!;
    // Unpacked as it downloads; from the stored blob when it came another way.
    const { path: blob, read } = await fetchBlobRead(client, ref.repository, layer, layout,
      (bytes, head, stored) => unpackStream(layout, bytes, unpackable(compressionOf(head), hexOf(layer.digest)), diffId, () => chain, stored),
      (_digest, bytes) => report(layer, 'downloading', bytes));
    report(layer, 'extracting', layer.size);
    const size = read?.size ?? (await unpackBlobFile(layout, blob, diffId, () => chain)).size;
    report(layer, 'done', layer.size);
    return size;
  });
  const record: ImageRecord = {
    ...base,
    size: sizes.reduce((a, b) => a + b, 0),
    tags: ref.tag ? [`${ref.name}:${ref.tag}`] : [],
    repoDigests: [`${ref.name}@${top.digest}`],
    layerBlobs: manifest.layers.map((layer) => layer.digest),
  };
  return { record, digest: top.digest, fetched, reused: manifest.layers.length - fetched };
}

