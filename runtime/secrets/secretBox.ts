/**
 * The host's secret box: seals the secrets that events and snapshots carry (events/sealed.ts)
 * with AES-256-GCM under a key kept in the data root (0600, made once with O_EXCL), and opens
 * them again. The key never travels: other hosts, which may read the events stream, cannot
 * open what this host sealed, and neither can a rescheduling host (docs/MULTIHOST.md).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Sealed } from '../../events/sealed.js';
import { BerthError } from '../../events/errors.js';

const KEY_BYTES = 32;

/** A sealed value that this host cannot open: sealed by another host's key, or tampered with. */
export class SealedElsewhereError extends BerthError {
  override name = 'SealedElsewhereError';
}

export class SecretBox {
  /** The key's name as `Sealed.key` records it. */
  readonly keyId: string;

  private constructor(private readonly key: Buffer) {
    this.keyId = createHash('sha256').update(key).digest('hex').slice(0, 16);
  }

  /** The host's box, its key read from `file` or made there (0600) at first use. */
  static async open(file: string): Promise<SecretBox> {
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    try {
      const handle = await fs.open(file, 'wx', 0o600);
      try {
        await handle.writeFile(randomBytes(KEY_BYTES));
      } finally {
        await handle.close();
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const key = await fs.readFile(file);
    if (key.length !== KEY_BYTES) throw new BerthError(`${file}: the secret key is ${key.length} bytes, not ${KEY_BYTES}; restore it from a backup`);
    return new SecretBox(key);
  }

  /** A box with a key of its own that lives only in memory (unit tests, fakes). */
  static ephemeral(): SecretBox {
    return new SecretBox(randomBytes(KEY_BYTES));
  }

  /** Seals a list of strings (KEY=VALUE entries). */
  seal(entries: string[]): Sealed {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(JSON.stringify(entries), 'utf8'), cipher.final()]);
    return { key: this.keyId, iv: iv.toString('base64'), data: data.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
  }

  /** Whether this box sealed it. */
  owns(sealed: Sealed): boolean {
    return sealed.key === this.keyId;
  }

  /** Opens what this box sealed; throws SealedElsewhereError for another key's or a tampered value. */
  open(sealed: Sealed): string[] {
    if (!this.owns(sealed)) throw new SealedElsewhereError(`a secret sealed by another host's key (${sealed.key}) cannot be opened here`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(sealed.iv, 'base64'));
      decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
      const plain = Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8');
      const entries: unknown = JSON.parse(plain);
      if (!Array.isArray(entries) || !entries.every((e) => typeof e === 'string')) throw new Error('not a list of strings');
      return entries;
    } catch (error) {
      throw new SealedElsewhereError(`a sealed secret does not open with this host's key: ${(error as Error).message}`, { cause: error });
    }
  }
}
