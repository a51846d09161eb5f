/**
 * A container's (or an exec's) environment: the public part recorded in the clear (the image's
 * env) and the user's part sealed to the host (events/sealed.ts). Only the host that sealed it
 * puts them together, where a process starts or a client that may read them asks.
 */
import type { Sealed } from '../../events/sealed.js';
import type { SecretBox } from './secretBox.js';

/** Image env first; the user's KEY=VALUE replace the image's by key. */
export function mergeEnv(base: string[], overrides: string[]): string[] {
  const env = new Map<string, string>();
  for (const entry of [...base, ...overrides]) {
    const eq = entry.indexOf('=');
    env.set(eq === -1 ? entry : entry.slice(0, eq), entry);
  }
  return [...env.values()];
}

/** The user's entries sealed, when there are any (an empty list is not recorded). */
export function sealEnv(box: SecretBox, entries: string[]): { sealedEnv?: Sealed } {
  return entries.length > 0 ? { sealedEnv: box.seal(entries) } : {};
}

/** The whole environment: the clear part with the sealed part opened over it (events written before sealing have none). */
export function openEnv(box: SecretBox, holder: { env: string[]; sealedEnv?: Sealed }): string[] {
  return holder.sealedEnv ? mergeEnv(holder.env, box.open(holder.sealedEnv)) : holder.env;
}
