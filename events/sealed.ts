/**
 * A value sealed to one host (runtime/secrets/secretBox.ts): AES-256-GCM under a key that never
 * leaves that host's data root. Events and snapshots carry secrets (a container's `-e`
 * values, an exec's) only in this form, so the replicated stream, which every host and CLI
 * user may read, holds no secret in the clear (docs/MULTIHOST.md, "What a host can read").
 */
import * as z from 'zod';
import { lazySchema } from './lazySchema.js';

export const Sealed = lazySchema(() => z.object({
  /** Which key sealed it: the first 16 hex digits of the key's sha256 (a host tells its own). */
  key: z.string(),
  /** base64: the 12-byte nonce, the ciphertext and the 16-byte tag. */
  iv: z.string(),
  data: z.string(),
  tag: z.string(),
}));
export type Sealed = z.infer<typeof Sealed>;
