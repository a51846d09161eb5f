/**
 * The embedded nats-server's own TLS identity: a self-signed certificate made at first start,
 * its key 0600 in the run root. Clients pin exactly this certificate (runtime/nats/connect.ts),
 * so a process that binds the port after nats-server dies cannot pass for it: it lacks the key,
 * and a client sends CONNECT, and with it the token, only after the handshake verified.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { BerthError } from '../../events/errors.js';

export interface ServerCertificate {
  certFile: string;
  keyFile: string;
  /** The certificate, PEM: what clients pin. */
  pem: string;
}

const run = promisify(execFile);

/** The run root's certificate and key, made (with openssl) when there are none yet. */
export async function ensureServerCertificate(runRoot: string): Promise<ServerCertificate> {
  const certFile = path.join(runRoot, 'nats-cert.pem');
  const keyFile = path.join(runRoot, 'nats-key.pem');
  const existing = await fs.readFile(certFile, 'utf8').catch(() => null);
  if (existing && (await fs.access(keyFile).then(() => true, () => false))) return { certFile, keyFile, pem: existing };
  const partial = `${keyFile}.${process.pid}.partial`;
  // The key is created 0600 before openssl writes it: it is never readable by others.
  await fs.writeFile(partial, '', { mode: 0o600, flag: 'w' });
  try {
    await run('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', partial, '-out', `${certFile}.partial`, '-days', '36500',
      '-subj', '/CN=berth embedded nats-server', '-addext', 'subjectAltName=IP:127.0.0.1',
    ]);
  } catch (error) {
    await fs.rm(partial, { force: true });
    throw new BerthError(`cannot make the nats-server's TLS certificate with openssl: ${(error as Error).message}`, { cause: error });
  }
  await fs.chmod(partial, 0o600);
  await fs.rename(partial, keyFile);
  await fs.rename(`${certFile}.partial`, certFile);
  return { certFile, keyFile, pem: await fs.readFile(certFile, 'utf8') };
}
