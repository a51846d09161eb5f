/**
 * cli/pinnedTrust.ts, in real node processes and real TLS: under the launcher's
 * --use-openssl-ca, the root store is built without reading SSL_CERT_FILE's file (the saving),
 * still finds a root in SSL_CERT_DIR by hash, and leaves the environment as it was. The launcher's
 * own `#!` line carries the flag.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { CLI, launcherFlags } from '../helpers/launcher.js';

const run = promisify(execFile);
const TRUST = fileURLToPath(new URL('../../cli/pinnedTrust.js', import.meta.url));
/** scripts/ at the repo root; this file compiles to dist/test/cli/. */
const SCRIPT = fileURLToPath(new URL('../../../scripts/cluster-certs.sh', import.meta.url));

/** A child that (maybe) builds the store, then connects with the default trust; prints a JSON line. */
const CHILD = `
const tls = require('node:tls');
const [port, build] = process.argv.slice(1);
import(${JSON.stringify(TRUST)}).then(({ buildRootStoreForPinnedServer }) => {
  if (build === 'build') buildRootStoreForPinnedServer();
  const envAfter = process.env.SSL_CERT_FILE ?? null;
  const socket = tls.connect({ host: '127.0.0.1', port: Number(port), servername: 'berth-test' }, () => {
    console.log(JSON.stringify({ envAfter, authorized: true }));
    socket.end();
  });
  socket.on('error', (error) => console.log(JSON.stringify({ envAfter, authorized: false, code: error.code })));
});
`;

t.test('the root store is built without the certificate file, and the environment is left as it was', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-trust-'));
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
  // A CA, and a certificate it signed for the name the child asks for (the cluster's own script).
  await run('sh', [SCRIPT, dir, 'berth-test=berth-test']);
  // A directory that holds the CA under its hash, as OpenSSL looks roots up; and one without it.
  const hash = (await run('openssl', ['x509', '-hash', '-noout', '-in', path.join(dir, 'ca.pem')])).stdout.trim();
  await fs.mkdir(path.join(dir, 'roots'));
  await fs.mkdir(path.join(dir, 'empty'));
  await fs.copyFile(path.join(dir, 'ca.pem'), path.join(dir, 'roots', `${hash}.0`));

  const server = tls.createServer({ key: await fs.readFile(path.join(dir, 'berth-test-key.pem')), cert: await fs.readFile(path.join(dir, 'berth-test.pem')) }, (socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise((resolve) => server.close(resolve)));
  const port = String((server.address() as { port: number }).port);

  const child = async (flags: string[], env: Record<string, string>, build: 'build' | 'no') => {
    const childEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH, ...env };
    const { stdout } = await run(process.execPath, [...flags, '-e', CHILD, port, build], { env: childEnv });
    return JSON.parse(stdout) as { envAfter: string | null; authorized: boolean; code?: string };
  };
  const caFile = path.join(dir, 'ca.pem');
  const flag = ['--use-openssl-ca'];

  t.same(await child(flag, { SSL_CERT_FILE: caFile, SSL_CERT_DIR: path.join(dir, 'empty') }, 'no'), { envAfter: caFile, authorized: true },
    'control: with the flag, the default store reads SSL_CERT_FILE');
  t.match(await child(flag, { SSL_CERT_FILE: caFile, SSL_CERT_DIR: path.join(dir, 'empty') }, 'build'), { envAfter: caFile, authorized: false },
    'built by pinnedTrust, the store did not read the file, and the user\'s SSL_CERT_FILE is back');
  t.same(await child(flag, { SSL_CERT_DIR: path.join(dir, 'roots') }, 'build'), { envAfter: null, authorized: true },
    'a root in SSL_CERT_DIR is still found, and no SSL_CERT_FILE is left behind');
});

t.test('the CLI\'s launcher runs node with --use-openssl-ca', async (t) => {
  t.same(launcherFlags(CLI), ['--use-openssl-ca']);
});
