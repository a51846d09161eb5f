/**
 * A command's TLS trust when it talks to its own daemon's nats-server, built without reading a
 * bundle of certificates.
 *
 * That connection trusts exactly one certificate, the embedded server's (nats/server/connect.ts
 * pins it). Node still builds its process-wide root store the first time a TLS context is given a
 * CA, and that store is every root Node bundles, parsed one by one: 33 ms of CPU in every command
 * here, for a store the pinned connection never consults.
 *
 * The CLI's launcher runs node with --use-openssl-ca (scripts/bundle.mjs), whose root store is
 * OpenSSL's default locations instead: the file SSL_CERT_FILE names, read whole, and a directory
 * looked up by hash only when a chain needs it. Built while SSL_CERT_FILE names /dev/null, the store
 * costs about 1 ms. It is built so even when the user's environment names a file of its own: no
 * connection of a command to its own daemon consults the store. The variable is changed only
 * while the store is built, so that nothing the command starts (an autostarted daemon) sees the
 * change. A process without the flag is left alone.
 */
import { createSecureContext } from 'node:tls';

export function buildRootStoreForPinnedServer(): void {
  if (!process.execArgv.includes('--use-openssl-ca')) return;
  const own = process.env.SSL_CERT_FILE;
  process.env.SSL_CERT_FILE = '/dev/null';
  try {
    // A context without a CA takes the root store: Node builds it now, once per process.
    createSecureContext();
  } finally {
    if (own === undefined) delete process.env.SSL_CERT_FILE;
    else process.env.SSL_CERT_FILE = own;
  }
}
