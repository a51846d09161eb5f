/**
 * What Node cannot make by itself: device nodes, fifos and extended attributes. Each is one call
 * of a Debian binary (coreutils' mknod, attr's setfattr); layers hold few of them.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { BerthError } from '../../events/errors.js';

const run = promisify(execFile);

async function tool(file: string, args: string[], what: string): Promise<void> {
  try {
    await run(file, args);
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    const reason = e.code === 'ENOENT' ? `${file} is not installed` : (e.stderr || e.message).trim();
    throw new BerthError(`${what}: ${reason}`, { cause: error });
  }
}

/** An overlay whiteout: a character device 0/0. */
export function makeWhiteout(path: string): Promise<void> {
  return tool('mknod', ['-m', '0', path, 'c', '0', '0'], `whiteout ${path}`);
}

export function makeFifo(path: string, mode: number): Promise<void> {
  return tool('mknod', ['-m', mode.toString(8), path, 'p'], `fifo ${path}`);
}

/** Sets one xattr on the path itself (never through a symlink). */
export function setXattr(path: string, name: string, value: Buffer): Promise<void> {
  return tool('setfattr', ['-h', '-n', name, '-v', value.length ? `0x${value.toString('hex')}` : '', path], `xattr ${name} on ${path}`);
}

/** Marks a directory opaque for overlay: the lower layers' content under it is hidden. */
export function markOpaque(path: string): Promise<void> {
  return setXattr(path, 'trusted.overlay.opaque', Buffer.from('y'));
}
