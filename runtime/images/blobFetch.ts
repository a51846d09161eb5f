/**
 * Fetching blobs into the content store: written to `blobs/.partial-<hex>`, resumed with a Range
 * after an interruption (the bytes already there are hashed again, not fetched again), checked
 * against the descriptor's size and digest, then renamed into place. A blob already in the
 * store is never fetched; two pulls wanting the same blob share one fetch. A fetch from the
 * first byte may hand its bytes to a second reader as they arrive (blobReader.ts).
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
import { BlobTee, type BlobReader } from './blobReader.js';

const inFlight = new Map<string, Promise<string>>();

/** Progress of one blob: bytes so far (including resumed ones) of its total. */
export type BlobProgress = (digest: string, bytes: number, total: number) => void;

async function hashFile(file: string, hash: Hash): Promise<void> {
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
}

async function download(client: RegistryClient, repository: string, descriptor: Descriptor, layout: Layout, progress?: BlobProgress, tee?: BlobTee<unknown>): Promise<string> {
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
    // Only a fetch from the first byte is read as it arrives; a resumed one is read from the file.
    const reader = offset === 0 ? tee : undefined;
    const file = await fs.open(partial, offset > 0 ? 'a' : 'w', 0o600);
    try {
      await writeBatched(file, response.body as unknown as AsyncIterable<Uint8Array>, (chunk) => {
        bytes += chunk.length;
        if (bytes > descriptor.size) throw new ArchiveError(`blob ${descriptor.digest} is longer than its descriptor's ${descriptor.size} bytes; refused`);
        hash.update(chunk);
        progress?.(descriptor.digest, bytes, descriptor.size);
        return reader?.push(chunk);
      });
      reader?.end();
    } catch (error) {
      reader?.fail(error);
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

const flightKey = (layout: Layout, descriptor: Descriptor) => `${layout.root}\0${descriptor.digest}`;

/** The path of the verified blob in the store, fetched when missing. */
export function fetchBlob(client: RegistryClient, repository: string, descriptor: Descriptor, layout: Layout, progress?: BlobProgress): Promise<string> {
  const key = flightKey(layout, descriptor);
  let pending = inFlight.get(key);
  if (!pending) {
    pending = download(client, repository, descriptor, layout, progress).finally(() => inFlight.delete(key));
    inFlight.set(key, pending);
  }
  return pending;
}

/**
 * fetchBlob, with `reader` given the bytes as they arrive when this call fetches the blob from
 * its first byte; `read` is what it made, null when the blob came another way (already stored,
 * resumed, or another pull's fetch), and the caller reads the stored file instead. A failed
 * fetch is the error, whatever the reader made of the bytes.
 */
export async function fetchBlobRead<T>(
  client: RegistryClient, repository: string, descriptor: Descriptor, layout: Layout, reader: BlobReader<T>, progress?: BlobProgress,
): Promise<{ path: string; read: T | null }> {
  const key = flightKey(layout, descriptor);
  if (inFlight.has(key)) return { path: await fetchBlob(client, repository, descriptor, layout, progress), read: null };
  const tee = new BlobTee(reader);
  const pending = download(client, repository, descriptor, layout, progress, tee as BlobTee<unknown>).finally(() => inFlight.delete(key));
  inFlight.set(key, pending);
  tee.settle(pending);
  const [stored, read] = await Promise.allSettled([pending, tee.result()]);
  if (stored.status === 'rejected') throw stored.reason;
  if (read.status === 'rejected') throw read.reason;
  return { path: stored.value, read: read.value };
}
