/**
 * A test image for security tests: busybox plus /hostile (test/fixtures/hostile.c, built
 * static here), a user `app` (1000:1000) in the groups staff (50) and wheel (10).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { makeBusyboxRootfs } from './busybox.js';

const run = promisify(execFile);
const SOURCE = fileURLToPath(new URL('../../../test/fixtures/hostile.c', import.meta.url));

/** Writes the image tarball into `dir` and returns its path. */
export async function makeHostileTar(dir: string): Promise<string> {
  const rootfs = path.join(dir, 'hostile-rootfs');
  await makeBusyboxRootfs(rootfs);
  await run('cc', ['-static', '-O1', '-o', path.join(rootfs, 'hostile'), SOURCE]);
  await fs.appendFile(path.join(rootfs, 'etc/passwd'), 'app:x:1000:1000:app:/home/app:/bin/sh\n');
  await fs.appendFile(path.join(rootfs, 'etc/group'), 'app:x:1000:\nstaff:x:50:app\nwheel:x:10:root,app\n');
  await fs.mkdir(path.join(rootfs, 'home/app'), { recursive: true });
  const tar = path.join(dir, 'hostile.tar');
  await run('tar', ['-C', rootfs, '-cf', tar, '.']);
  await fs.rm(rootfs, { recursive: true, force: true });
  return tar;
}

/** hostile's output, "name result" lines, as a map. */
export function parseHostile(stdout: string): Record<string, string> {
  return Object.fromEntries(stdout.trim().split('\n').map((line) => line.split(' ') as [string, string]));
}
