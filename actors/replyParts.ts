/**
 * Replies too large for one NATS message (max_payload: 8 MB here): the encoded reply is kept in
 * parts of at most `partBytes`, the client is told how many (Reply `ok: 'chunked'`) and fetches
 * them one request each (`system.reply_part`), so no single message exceeds the limit and a
 * host's credentials need no more than one response per request. Parts are kept for a minute,
 * or until the last one is fetched.
 */
import { NotFoundError } from '../events/errors.js';
import type { Reply } from '../events/requests.js';

/** How long the parts of a reply wait for their client. */
const KEPT_MS = 60_000;

export class ReplyParts {
  private readonly kept = new Map<string, { parts: Uint8Array[]; timer: NodeJS.Timeout }>();

  constructor(private readonly keptMs = KEPT_MS) {}

  /** Keeps `encoded` (the reply to request `id`) in parts; returns what the client is answered instead. */
  keep(id: string, encoded: Uint8Array, partBytes: number): Extract<Reply, { ok: 'chunked' }> {
    const parts: Uint8Array[] = [];
    for (let at = 0; at < encoded.length; at += partBytes) parts.push(encoded.subarray(at, at + partBytes));
    this.forget(id);
    const timer = setTimeout(() => this.kept.delete(id), this.keptMs);
    timer.unref();
    this.kept.set(id, { parts, timer });
    return { ok: 'chunked', parts: parts.length, bytes: encoded.length };
  }

  /** Part `part` of the reply to `id`; the last one fetched forgets them all. */
  part(id: string, part: number): Uint8Array {
    const entry = this.kept.get(id);
    const found = entry?.parts[part];
    if (!entry || !found) throw new NotFoundError(`no part ${part} of a large reply to request ${id} (fetched already, or kept past ${this.keptMs / 1000} s)`);
    if (part === entry.parts.length - 1) this.forget(id);
    return found;
  }

  private forget(id: string): void {
    const entry = this.kept.get(id);
    if (entry) clearTimeout(entry.timer);
    this.kept.delete(id);
  }
}
