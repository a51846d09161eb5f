/**
 * A registry's answer read with a limit enforced while it streams: a body over the limit is
 * cancelled at the first chunk that crosses it, so a registry cannot make the daemon buffer
 * more than the limit (issue 22: a 400 MB manifest, read whole before the size check, took the
 * daemon from 108 MB to 1.37 GB; a 12 MB error body became a 12 MB error message).
 */
import { RegistryError } from '../../events/errors.js';

/** Manifests, indexes and token answers: Docker refuses manifests over 4 MiB too. */
export const MANIFEST_LIMIT = 4 << 20;
/** How much of an error answer's body is kept for the message. */
export const ERROR_TEXT_LIMIT = 2048;

/** The body whole, or a RegistryError naming `what` once it passes `limit` bytes (the rest is never read). */
export async function readBounded(response: Response, limit: number, what: string): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > limit) {
    await response.body?.cancel().catch(() => {});
    throw new RegistryError(`${what}: the answer is ${declared} bytes, more than the ${limit} allowed`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (!response.body) return Buffer.alloc(0);
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      throw new RegistryError(`${what}: the answer is more than the ${limit} bytes allowed`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

/** The start of an error answer's body, for a message: at most ERROR_TEXT_LIMIT bytes read, control characters shown as spaces. */
export async function errorText(response: Response): Promise<string> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let cut = false;
  if (response.body) {
    const reader = response.body.getReader();
    try {
      while (total < ERROR_TEXT_LIMIT) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        total += value.length;
      }
      cut = total >= ERROR_TEXT_LIMIT;
      await reader.cancel().catch(() => {});
    } catch {
      // a body that broke off: what arrived is enough
    }
  }
  const text = Buffer.concat(chunks).subarray(0, ERROR_TEXT_LIMIT).toString('utf8').replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return cut ? `${text}… (cut at ${ERROR_TEXT_LIMIT} bytes)` : text;
}
