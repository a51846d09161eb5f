import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** scripts/ at the repo root; this file compiles to dist/test/helpers/busybox.js */
const SCRIPTS = fileURLToPath(new URL('../../../scripts/', import.meta.url));

/** Create a busybox root filesystem in dir (see scripts/busybox-rootfs.sh). */
export async function makeBusyboxRootfs(dir: string): Promise<void> {
  await run('sh', [SCRIPTS + 'busybox-rootfs.sh', dir]);
}

/** Write a busybox rootfs tarball to tarPath (see scripts/busybox-image.sh). */
export async function makeBusyboxTar(tarPath: string): Promise<void> {
  await run('sh', [SCRIPTS + 'busybox-image.sh', tarPath]);
}
