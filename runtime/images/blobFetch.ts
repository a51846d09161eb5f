/**
 * Fetching blobs into the content store: written to `blobs/.partial-<hex>`, resumed with a Range
 * after an interruption (the bytes already there are hashed again, not fetched again), checked
 * against the descriptor's size and digest, then renamed into place. A blob already in the
 * store is never fetched; two pulls wanting the same blob share one fetch.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Layout } from '../layout.js';
import { ArchiveError } from '../../events/errors.js';
import { hexOf } from './digest.js';
import { exists } from './layerStore.js';
import { writeBatched } from '../batchedWrite.js';
import type { Descriptor } from './manifest.js';
import { RegistryError } from '../../events/errors.js';
import type { RegistryClient } from './registryClient.js';

const inFlight = new Map<string, Promise<string>>();

/** Progress of one blob: bytes so far (including resumed ones) of its total. */
export type BlobProgress = (digest: string, bytes: number, total: number) => void;

async function hashFile(file: string, hash: Hash): Promise<void> {
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
}

async function download(client: RegistryClient, repository: string, descriptor: Descriptor, layout: Layout, progress?: BlobProgress): Promise<string> {
  const hex = hexOf(descriptor.digest);
  const final = layout.blob(hex);
  if (await exists(final)) return final;
  await fs.mkdir(layout.blobsDir, { recursive: true, mode: 0o700 });
  const partial = path.join(layout.blobsDir, `.partial-${hex}`);
  let offset = (await fs.stat(partial).catch(() => null))?.size ?? 0;
  if (offset > descriptor.size) {
    await fs.rm(partial, { force: true });
    offset = 0;
  }
  const hash = createHash('sha256');
  const response = offset < descriptor.size || descriptor.size === 0 ? await client.blob(repository, descriptor.digest, offset) : null;
  if (response && response.status !== 206 && offset > 0) offset = 0; // the registry ignored the range: start over
  if (offset > 0) await hashFile(partial, hash);
  let bytes = offset;
  if (response && response.status !== 416) {
    const file = await fs.open(partial, offset > 0 ? 'a' : 'w', 0o600);
    try {
      await writeBatched(file, response.body as unknown as AsyncIterable<Uint8Array>, (chunk) => {
        bytes += chunk.length;
        if (bytes > descriptor.size) throw new ArchiveError(`blob ${descriptor.digest} is longer than its descriptor's ${descriptor.size} bytes; refused`);
        hash.update(chunk);
        progress?.(descriptor.digest, bytes, descriptor.size);
      });
    } catch (error) {
      if (error instanceof ArchiveError) await fs.rm(partial, { force: true });
      else throw new RegistryError(`fetching blob ${descriptor.digest}: interrupted after ${bytes} of ${descriptor.size} bytes (${(error as Error).message}); pull again to resume`, { cause: error });
      throw error;
    } finally {
      await file.close();
    }
  } else await response?.body?.cancel();
  const digest = `sha256:${hash.digest('hex')}`;
  if (bytes !== descriptor.size || digest !== descriptor.digest) {
    await fs.rm(partial, { force: true });
    throw new ArchiveError(`blob ${descriptor.digest}: the content received (${bytes} bytes, ${digest}) does not match its digest; refused`);
  }
  await fs.rename(partial, final);
  return final;
}

/** The path of the verified blob in the store, fetched when missing. */
export function fetchBlob(client: RegistryClient, repository: string, descriptor: Descriptor, layout: Layout, progress?: BlobProgress): Promise<string> {
  const key = `${layout.root}\0${descriptor.digest}`;
  let pending = inFlight.get(key);
  if (!pending) {
    pending = download(client, repository, descriptor, layout, progress).finally(() => inFlight.delete(key));
    inFlight.set(key, pending);
  }
  return pending;
}
