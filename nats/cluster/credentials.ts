/**
 * Per-principal credentials: an nkey pair per host and per CLI user. The seed goes in a 0600
 * creds file in the block format nsc uses; the public key goes in the servers' config.
 */
import fs from 'node:fs/promises';
import { nkeys } from '@nats-io/transport-node';
import { BerthError } from '../../events/errors.js';

const SEED = /\bSU[A-Z2-7]{56}\b/;

export interface Credentials {
  /** The nkey public key (U...). */
  publicKey: string;
  /** The seed (SU...), secret. */
  seed: string;
}

export function createCredentials(): Credentials {
  const pair = nkeys.createUser();
  return { publicKey: pair.getPublicKey(), seed: new TextDecoder().decode(pair.getSeed()) };
}

/** The text of a creds file holding a user nkey seed. */
export function credsFileText(credentials: Credentials, principal: string): string {
  return [
    `# berth credentials of ${principal} (${credentials.publicKey}); keep secret`,
    '-----BEGIN USER NKEY SEED-----',
    credentials.seed,
    '------END USER NKEY SEED------',
    '',
  ].join('\n');
}

export async function writeCredsFile(file: string, credentials: Credentials, principal: string): Promise<void> {
  await fs.writeFile(file, credsFileText(credentials, principal), { mode: 0o600 });
}

/** What a creds file holds: a NATS user JWT with its seed (operator mode), or an nkey seed alone. */
export type CredsContent = { kind: 'jwt'; text: Uint8Array } | { kind: 'nkey'; seed: Uint8Array };

export function parseCreds(text: string, file: string): CredsContent {
  if (text.includes('BEGIN NATS USER JWT')) return { kind: 'jwt', text: new TextEncoder().encode(text) };
  const seed = SEED.exec(text);
  if (!seed) throw new BerthError(`${file} holds no NATS user JWT and no user nkey seed`);
  return { kind: 'nkey', seed: new TextEncoder().encode(seed[0]) };
}
