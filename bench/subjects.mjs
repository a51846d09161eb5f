#!/usr/bin/env node
/**
 * What the start-latency bench measures: one entry per command, printed as JSON.
 *
 *   node bench/subjects.mjs WORK PREFIX BUNDLE -- PODMAN_GLOBAL_ARGS...
 *
 * role "engine" rows are compared; role "reference" rows only explain where berth's time goes.
 * `{n}` in an argument becomes the run's sequence number (crun and runc need unique ids).
 * Every environment is the bench's own minus NODE_EXTRA_CA_CERTS (~80 ms per Node start).
 * docker is measured when BENCH_DOCKER_HOST (and BENCH_DOCKER_CONFIG) name the bench's own dockerd (run.sh).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { LAUNCHER_BUNDLE, WITHOUT_MSGPACKR_ADDON, launcherFunction } from '../scripts/launcherBundle.mjs';

const [work, prefix, bundle, dashes, ...podmanArgs] = process.argv.slice(2);
if (!work || !prefix || !bundle || dashes !== '--') {
  console.error('usage: subjects.mjs WORK PREFIX BUNDLE -- PODMAN_GLOBAL_ARGS...');
  process.exit(2);
}
if (!process.env.CONTAINERS_CONF) {
  console.error('subjects.mjs: CONTAINERS_CONF (podman\'s config from peers.sh) is not set');
  process.exit(2);
}
const repo = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const cli = path.join(repo, 'dist/cli/main.cjs');
const node = process.execPath;
const berthEnv = { BERTH_ROOT: path.join(work, 'berth/root'), BERTH_RUN_ROOT: path.join(work, 'berth/run') };

/**
 * bench/minimalClient.mjs, bundled as berth's CLI is (one minified CommonJS file, wrapped as the
 * function berth's launcher calls) beside a copy of that launcher, which runs it from V8's code
 * cache with the same `#!` line: returns the launcher's path.
 */
function buildMinimalClient() {
  const dir = path.join(work, 'node-client');
  fs.mkdirSync(dir, { recursive: true });
  const { outputFiles } = buildSync({
    ...LAUNCHER_BUNDLE,
    entryPoints: [path.join(repo, 'bench/minimalClient.mjs')],
    write: false,
    define: WITHOUT_MSGPACKR_ADDON,
  });
  fs.writeFileSync(path.join(dir, 'berth.cjs'), launcherFunction(outputFiles[0].text));
  fs.copyFileSync(cli, path.join(dir, 'main.cjs'));
  fs.chmodSync(path.join(dir, 'main.cjs'), 0o755);
  return path.join(dir, 'main.cjs');
}

const subjects = [
  {
    name: 'berth',
    role: 'engine',
    display: 'berth run --rm --network none busybox true',
    argv: [cli, 'run', '--rm', '--network', 'none', 'busybox', 'true'],
    env: berthEnv,
  },
  {
    name: 'crun',
    role: 'engine',
    display: 'crun run --bundle BUNDLE ID',
    argv: ['crun', '--root', path.join(work, 'crun-state'), 'run', '--bundle', bundle, `${prefix}-crun-{n}`],
  },
  {
    name: 'runc',
    role: 'engine',
    display: 'runc run --bundle BUNDLE ID',
    argv: ['runc', '--root', path.join(work, 'runc-state'), 'run', '--bundle', bundle, `${prefix}-runc-{n}`],
  },
  {
    name: 'podman',
    role: 'engine',
    display: 'podman run --rm --network none localhost/busybox true',
    argv: ['podman', ...podmanArgs, 'run', '--rm', '--network', 'none', 'localhost/busybox', 'true'],
    env: { CONTAINERS_CONF: process.env.CONTAINERS_CONF },
  },
  ...(process.env.BENCH_DOCKER_HOST ? [{
    name: 'docker',
    role: 'engine',
    display: 'docker run --rm --network none localhost/busybox true',
    note: 'Debian docker.io (/usr/bin/docker, /usr/sbin/dockerd of the bench\'s own, bench/dockerd.sh)',
    argv: ['/usr/bin/docker', 'run', '--rm', '--network', 'none', 'localhost/busybox', 'true'],
    env: { DOCKER_HOST: process.env.BENCH_DOCKER_HOST, DOCKER_CONFIG: process.env.BENCH_DOCKER_CONFIG },
  }] : []),
  // On each engine's default bridge network (berth's bridge, podman's netavark), in the bench's own
  // network namespace (run.sh). The bench's dockerd has no bridge (bench/dockerd.sh).
  {
    name: 'berth-bridge',
    role: 'bridge',
    display: 'berth run --rm busybox true',
    argv: [cli, 'run', '--rm', 'busybox', 'true'],
    env: berthEnv,
  },
  {
    name: 'podman-bridge',
    role: 'bridge',
    display: 'podman run --rm localhost/busybox true',
    note: 'podman\'s default network: netavark, its rules in the bench\'s network namespace',
    argv: ['podman', ...podmanArgs, 'run', '--rm', 'localhost/busybox', 'true'],
    env: { CONTAINERS_CONF: process.env.CONTAINERS_CONF },
  },
  {
    name: 'node',
    role: 'reference',
    display: 'node -e 0',
    note: 'bare Node start-up: the floor of any Node CLI',
    argv: [node, '-e', '0'],
  },
  // The same engine driven by a Go client: the docker CLI through berth's Docker API socket
  // (its run root's docker.sock). berth's own CLI is a fresh Node process per command.
  {
    name: 'docker-berth',
    role: 'reference',
    display: 'docker run --rm --network none localhost/busybox true, DOCKER_HOST=berth\'s API socket',
    note: 'berth\'s engine through a Go client: the same docker CLI (/usr/bin/docker) with DOCKER_HOST at berth\'s docker.sock, the daemon above',
    argv: ['/usr/bin/docker', 'run', '--rm', '--network', 'none', 'localhost/busybox', 'true'],
    env: { DOCKER_HOST: `unix://${path.join(berthEnv.BERTH_RUN_ROOT, 'docker.sock')}`, DOCKER_CONFIG: path.join(work, 'docker-berth-config') },
  },
  {
    name: 'node-client',
    role: 'reference',
    display: 'a minimal Node client (bench/minimalClient.mjs)',
    note: 'the least a Node process per command does: connect over TLS to the daemon\'s pinned certificate, one `container.list` request, print, close; bundled and run from the code cache by a copy of berth\'s launcher',
    argv: [buildMinimalClient()],
    // As berth's CLI builds its root store (cli/pinnedTrust.ts): the pinned connection consults none.
    env: { ...berthEnv, SSL_CERT_FILE: '/dev/null' },
  },
  {
    name: 'berth-modules',
    role: 'reference',
    display: 'dist/cli/main.cjs --version',
    note: 'the launcher as `berth` runs it (its `#!` line: env, node and its flags): Node start-up plus loading the bundled CLI (every module `berth run` needs), no connection',
    argv: [cli, '--version'],
  },
];

process.stdout.write(`${JSON.stringify(subjects, null, 2)}\n`);
