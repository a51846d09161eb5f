/**
 * A real registry for one test: Debian's docker-registry on 127.0.0.1 and a free port, its
 * storage in the test's temp dir, optionally behind htpasswd; images are written as OCI layouts
 * by this helper and pushed with skopeo. Teardown kills the registry by its pid.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { sha256 } from '../../runtime/images/digest.js';
import { MediaType } from '../../runtime/images/manifest.js';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    }).on('error', reject);
  });
}

export interface Registry {
  /** host:port */
  host: string;
  storage: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `docker-registry serve` and waits (bounded) until /v2/ answers. */
export async function startRegistry(t: { teardown(fn: () => unknown): void }, dir: string, auth?: { username: string; password: string }): Promise<Registry> {
  const port = await freePort();
  const storage = path.join(dir, 'registry');
  await fs.mkdir(storage, { recursive: true });
  let authConfig = '';
  if (auth) {
    const file = path.join(dir, 'htpasswd');
    await run('htpasswd', ['-Bbc', file, auth.username, auth.password]);
    authConfig = `auth:\n  htpasswd:\n    realm: berth-test\n    path: ${file}\n`;
  }
  const config = path.join(dir, 'registry.yml');
  await fs.writeFile(config, `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${storage}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n${authConfig}`);
  const log = await fs.open(path.join(dir, 'registry.log'), 'a');
  const child = spawn('docker-registry', ['serve', config], { stdio: ['ignore', log.fd, log.fd] });
  await log.close();
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  };
  t.teardown(stop);
  for (let i = 0; i < 500; i++) {
    const answered = await fetch(`http://127.0.0.1:${port}/v2/`).then(() => true, () => false);
    if (answered) return { host: `127.0.0.1:${port}`, storage, process: child, stop };
    if (child.exitCode !== null) break;
    await sleep(20);
  }
  throw new Error(`docker-registry did not start: ${await fs.readFile(path.join(dir, 'registry.log'), 'utf8')}`);
}

/** The path of a blob in the registry's filesystem storage. */
export const registryBlob = (registry: Registry, digest: string) =>
  path.join(registry.storage, 'docker/registry/v2/blobs/sha256', digest.slice(7, 9), digest.slice(7), 'data');

export interface ImageSpec {
  /** Uncompressed layer tars, lowest first; each is stored gzipped unless `plain`. */
  layers: Buffer[];
  plain?: boolean;
  architecture?: string;
  config?: Record<string, unknown>;
}

async function writeBlob(layout: string, data: Buffer): Promise<{ digest: string; size: number }> {
  const digest = sha256(data);
  await fs.writeFile(path.join(layout, 'blobs/sha256', digest.slice(7)), data);
  return { digest, size: data.length };
}

/** Writes one image manifest (and its config and layers) into an OCI layout; returns its descriptor. */
async function writeImage(layout: string, spec: ImageSpec) {
  const layers = [];
  for (const tar of spec.layers) {
    const blob = await writeBlob(layout, spec.plain ? tar : gzipSync(tar));
    layers.push({ mediaType: spec.plain ? MediaType.ociLayer : MediaType.ociLayerGzip, ...blob });
  }
  const architecture = spec.architecture ?? 'amd64';
  const config = {
    created: '2025-01-01T00:00:00Z', architecture, os: 'linux',
    config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], ...spec.config },
    rootfs: { type: 'layers', diff_ids: spec.layers.map((l) => sha256(l)) },
    history: spec.layers.map((_, i) => ({ created: '2025-01-01T00:00:00Z', created_by: `layer ${i}` })),
  };
  const configBlob = await writeBlob(layout, Buffer.from(JSON.stringify(config)));
  const manifest = { schemaVersion: 2, mediaType: MediaType.ociManifest, config: { mediaType: MediaType.ociConfig, ...configBlob }, layers };
  const blob = await writeBlob(layout, Buffer.from(JSON.stringify(manifest)));
  return { mediaType: MediaType.ociManifest, ...blob, platform: { architecture, os: 'linux' } };
}

/** An OCI image layout in `dir` with one image, or an index of several (one per platform), tagged `tag`. */
export async function writeOciLayout(dir: string, tag: string, images: ImageSpec[]): Promise<void> {
  await fs.mkdir(path.join(dir, 'blobs/sha256'), { recursive: true });
  await fs.writeFile(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const manifests = [];
  for (const image of images) manifests.push(await writeImage(dir, image));
  let descriptor: { mediaType: string; digest: string; size: number } = manifests[0]!;
  if (images.length > 1) {
    const index = { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests };
    descriptor = { mediaType: MediaType.ociIndex, ...(await writeBlob(dir, Buffer.from(JSON.stringify(index)))) };
  } else descriptor = { mediaType: descriptor.mediaType, digest: descriptor.digest, size: descriptor.size };
  const annotated = { ...descriptor, annotations: { 'org.opencontainers.image.ref.name': tag } };
  await fs.writeFile(path.join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [annotated] }));
}

/** skopeo copy from an OCI layout to the registry (all platforms of an index). */
export async function pushLayout(layoutDir: string, tag: string, destination: string, creds?: { username: string; password: string }): Promise<void> {
  const args = ['copy', '--quiet', '--all', '--dest-tls-verify=false', ...(creds ? ['--dest-creds', `${creds.username}:${creds.password}`] : [])];
  await run('skopeo', [...args, `oci:${layoutDir}:${tag}`, `docker://${destination}`], { env: { ...process.env, HOME: layoutDir } });
}
