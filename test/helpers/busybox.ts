/**
 * The busybox root filesystem every test image is made of (scripts/busybox-rootfs.sh), built
 * once and kept as a tarball under dist/test/.cache: the script links each of busybox's ~270
 * applets with its own `ln`, which took 1.5 s of CPU (and 20 s on a loaded machine) for every
 * engine that imported an image. The cache is named after the scripts' text and the busybox
 * binary, so a change to either builds it again.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** scripts/ at the repo root; this file compiles to dist/test/helpers/busybox.js */
const SCRIPTS = fileURLToPath(new URL('../../../scripts/', import.meta.url));
const CACHE = fileURLToPath(new URL('../.cache/', import.meta.url));

let cached: Promise<string> | null = null;

/** The cached tarball's path, built when missing (through a temp file: tap's jobs may race). */
function cachedTar(): Promise<string> {
  cached ??= (async () => {
    const busybox = process.env.BUSYBOX ?? '/bin/busybox';
    const { size, mtimeMs } = await fs.stat(busybox);
    const hash = createHash('sha256').update(`${busybox} ${size} ${mtimeMs}`);
    for (const script of ['busybox-rootfs.sh', 'busybox-image.sh']) hash.update(await fs.readFile(SCRIPTS + script));
    const tar = `${CACHE}busybox-${hash.digest('hex').slice(0, 16)}.tar`;
    if (await fs.access(tar).then(() => true, () => false)) return tar;
    await fs.mkdir(CACHE, { recursive: true });
    const partial = `${tar}.${process.pid}`;
    await run('sh', [SCRIPTS + 'busybox-image.sh', partial]);
    await fs.rename(partial, tar);
    return tar;
  })();
  cached.catch(() => { cached = null; });
  return cached;
}

/** Create a busybox root filesystem in dir (see scripts/busybox-rootfs.sh). */
export async function makeBusyboxRootfs(dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  await run('tar', ['--numeric-owner', '-xpf', await cachedTar(), '-C', dir]);
}

/** Write a busybox rootfs tarball to tarPath (see scripts/busybox-image.sh). */
export async function makeBusyboxTar(tarPath: string): Promise<void> {
  await fs.copyFile(await cachedTar(), tarPath);
}

/**
 * A busybox command answering `hello WORDS...` to every TCP connection on `port`. nc -ll keeps
 * listening and runs the answer per connection: a loop of `nc -l` has a moment after each
 * connection with no listener, and a test's next connection could be refused in it (CI saw one).
 */
export function helloServer(port: number, ...words: string[]): string[] {
  return ['nc', '-ll', '-p', String(port), '-e', 'echo', 'hello', ...words];
}
