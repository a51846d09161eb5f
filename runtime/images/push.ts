/**
 * `push`: a stored image to a registry over the Distribution API v2. Each blob (layers, then
 * the config) is checked with HEAD and uploaded only when missing: POST opens an upload, then
 * one PUT with the whole blob (monolithic) or PATCHes of `chunkBytes` each and a closing PUT
 * (chunked, for blobs bigger than a chunk). The manifest goes last, under the tag.
 */
import { errorText } from './boundedBody.js';
import { createReadStream } from 'node:fs';
import { pipeline, Readable } from 'node:stream';
import type { ImageRecord } from '../../events/image.js';
import type { Layout } from '../layout.js';
import { findCredentials } from './credentials.js';
import { describeImage } from './imageManifest.js';
import { MediaType, type Descriptor } from './manifest.js';
import { parseReference } from './reference.js';
import { RegistryError } from '../../events/errors.js';
import { RegistryClient } from './registryClient.js';
import { countingStream, type ProgressReport } from './progress.js';

/** Blobs up to this size go in one PUT; bigger ones in PATCHes of this size. */
export const DEFAULT_CHUNK_BYTES = 32 << 20;

export interface PushOptions {
  insecureRegistries: string[];
  chunkBytes?: number;
  /** Each layer: waiting, then exists, or pushing (bytes sent) and pushed. */
  progress?: ProgressReport;
}

export interface PushedBlob {
  digest: string;
  size: number;
  /** `exists`: the registry had it (HEAD answered 200); nothing was sent. */
  status: 'pushed' | 'exists';
}

export interface Pushed {
  /** The manifest's digest on the registry. */
  digest: string;
  /** The manifest's size in bytes. */
  size: number;
  layers: PushedBlob[];
}

type Blob = Descriptor & { file: string };

/** A request body of the blob's bytes `start`..`end`, telling `sent` the blob's bytes sent so far. */
const stream = (file: string, sent: (bytes: number) => void, start = 0, end?: number) => () =>
  Readable.toWeb(pipeline(createReadStream(file, { start, end }), countingStream((bytes) => sent(start + bytes)), () => {})) as unknown as BodyInit;

/** The upload URL a 202 answer names (relative to the registry, as docker-registry sends it). */
function location(response: Response, base: string, what: string): URL {
  const value = response.headers.get('location');
  if (!value) throw new RegistryError(`${what}: the registry answered ${response.status} without a Location`);
  return new URL(value, base);
}

async function failed(response: Response, what: string): Promise<RegistryError> {
  const body = await errorText(response);
  return new RegistryError(`${what}: the registry answered ${response.status}${body ? ` ${body}` : ''}`);
}

async function uploadBlob(client: RegistryClient, repository: string, scope: string, blob: Blob, chunkBytes: number, sent: (bytes: number) => void): Promise<void> {
  const what = `pushing blob ${blob.digest}`;
  const base = await client.baseUrl();
  const opened = await client.request(`/v2/${repository}/blobs/uploads/`, scope, { 'content-length': '0' }, { method: 'POST' });
  if (opened.status !== 202) throw await failed(opened, what);
  await opened.body?.cancel();
  let url = location(opened, base, what);
  const octets = { 'content-type': 'application/octet-stream' };
  if (blob.size > chunkBytes) {
    for (let start = 0; start < blob.size; start += chunkBytes) {
      const end = Math.min(start + chunkBytes, blob.size) - 1;
      const patched = await client.request(url.href, scope, { ...octets, 'content-length': String(end - start + 1), 'content-range': `${start}-${end}` },
        { method: 'PATCH', body: stream(blob.file, sent, start, end) });
      if (patched.status !== 202) throw await failed(patched, `${what} (bytes ${start}-${end})`);
      await patched.body?.cancel();
      url = location(patched, base, what);
    }
  }
  url.searchParams.set('digest', blob.digest);
  const whole = blob.size <= chunkBytes;
  const closed = await client.request(url.href, scope, { ...octets, 'content-length': String(whole ? blob.size : 0) },
    { method: 'PUT', ...(whole && blob.size > 0 ? { body: stream(blob.file, sent) } : {}) });
  if (closed.status !== 201) throw await failed(closed, what);
  await closed.body?.cancel();
}

async function pushBlob(client: RegistryClient, repository: string, scope: string, blob: Blob, chunkBytes: number, progress?: ProgressReport): Promise<PushedBlob> {
  const report = (status: 'exists' | 'pushing' | 'pushed', bytes: number) => progress?.({ layer: blob.digest, status, bytes, total: blob.size });
  const head = await client.request(`/v2/${repository}/blobs/${blob.digest}`, scope, {}, { method: 'HEAD' });
  await head.body?.cancel();
  if (head.status === 200) {
    report('exists', blob.size);
    return { digest: blob.digest, size: blob.size, status: 'exists' };
  }
  if (head.status !== 404) throw await failed(head, `checking blob ${blob.digest}`);
  report('pushing', 0);
  await uploadBlob(client, repository, scope, blob, chunkBytes, (bytes) => report('pushing', bytes));
  report('pushed', blob.size);
  return { digest: blob.digest, size: blob.size, status: 'pushed' };
}

/** Pushes `record` as `reference` (a tag on a registry). */
export async function pushImage(layout: Layout, record: ImageRecord, reference: string, options: PushOptions): Promise<Pushed> {
  const ref = parseReference(reference);
  const credentials = await findCredentials(layout.authFile, ref.registry);
  const client = new RegistryClient(ref.registry, { insecureRegistries: options.insecureRegistries, credentials });
  const scope = `repository:${ref.repository}:pull,push`;
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  const image = await describeImage(layout, record);
  const layers: PushedBlob[] = [];
  for (const layer of image.layers) options.progress?.({ layer: layer.digest, status: 'waiting', bytes: 0, total: layer.size });
  for (const layer of image.layers) layers.push(await pushBlob(client, ref.repository, scope, layer, chunkBytes, options.progress));
  await pushBlob(client, ref.repository, scope, image.config, chunkBytes);
  const tag = ref.tag ?? image.digest;
  const put = await client.request(`/v2/${ref.repository}/manifests/${tag}`, scope, { 'content-type': MediaType.ociManifest },
    { method: 'PUT', body: () => new Uint8Array(image.manifest) });
  if (put.status !== 201) throw await failed(put, `pushing the manifest of ${reference}`);
  await put.body?.cancel();
  const claimed = put.headers.get('docker-content-digest');
  if (claimed && claimed !== image.digest) throw new RegistryError(`pushing ${reference}: the registry stored the manifest as ${claimed}, not ${image.digest}`);
  return { digest: image.digest, size: image.manifest.length, layers };
}

