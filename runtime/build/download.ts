/**
 * An http(s) build context downloaded to a file, under a size limit (a Content-Length over it is
 * refused before any byte is read, a body that grows past it is cut off) and a time limit, with
 * its Content-Type and first bytes for runtime/build/remoteUrl.ts to tell a Dockerfile from an
 * archive.
 */
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BerthError, ValidationError } from '../../events/errors.js';
import { displayUrl, PREAMBLE_LENGTH } from './remoteUrl.js';

/** The largest remote context berth downloads. */
export const REMOTE_CONTEXT_MAX_BYTES = 1024 ** 3;
/** How long a download may take in all. */
const DOWNLOAD_TIMEOUT_MS = 15 * 60_000;

export interface Downloaded {
  contentType: string | null;
  /** Its first bytes (up to PREAMBLE_LENGTH). */
  head: Buffer;
  size: number;
}

class TooLargeError extends ValidationError {
  override name = 'TooLargeError';
}

const tooLarge = (shown: string, maxBytes: number) => new TooLargeError(`unable to download remote context ${shown}: larger than the limit of ${maxBytes} bytes`);

/** Downloads `url` to `file` (made 0600, not there before). */
export async function downloadContext(url: string, file: string, maxBytes = REMOTE_CONTEXT_MAX_BYTES, timeoutMs = DOWNLOAD_TIMEOUT_MS): Promise<Downloaded> {
  const shown = displayUrl(url);
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error(`no answer in ${timeoutMs / 1000} s`)), timeoutMs);
  const failed = (error: unknown) => {
    if (error instanceof TooLargeError) return error;
    const cause = (error as Error & { cause?: Error }).cause;
    return new BerthError(`unable to download remote context ${shown}: ${cause?.message ?? (error as Error).message}`, { cause: error });
  };
  try {
    const response = await fetch(url, { signal: abort.signal, redirect: 'follow' }).catch((error: unknown) => { throw failed(error); });
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      throw new BerthError(`unable to download remote context ${shown}: ${response.status} ${response.statusText}`.trimEnd());
    }
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (declared > maxBytes) {
      await response.body?.cancel().catch(() => {});
      throw tooLarge(shown, maxBytes);
    }
    let size = 0;
    const heads: Buffer[] = [];
    const count = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        if (size > maxBytes) return done(tooLarge(shown, maxBytes));
        if (size - chunk.length < PREAMBLE_LENGTH) heads.push(chunk);
        done(null, chunk);
      },
    });
    const body = response.body ? Readable.fromWeb(response.body as import('node:stream/web').ReadableStream) : Readable.from([]);
    await pipeline(body, count, createWriteStream(file, { flags: 'wx', mode: 0o600 })).catch(async (error: unknown) => {
      abort.abort();
      await fs.rm(file, { force: true });
      throw failed(error);
    });
    return { contentType: response.headers.get('content-type'), head: Buffer.concat(heads).subarray(0, PREAMBLE_LENGTH), size };
  } finally {
    clearTimeout(timer);
  }
}
