/**
 * `commit`: a container's upper dir as a layer tar, in the OCI / Docker whiteout form: a 0/0
 * char device (overlayfs' whiteout) becomes an empty `.wh.NAME` file, and a dir with
 * trusted.overlay.opaque=y gets an empty `.wh..wh..opq` entry right after it. Everything else
 * goes as it is on disk (parents before children, links not followed, sockets skipped).
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { TarWriter } from '../images/tarWriter.js';
import { headerOf, isWhiteout, opaqueDirs, walk } from './rootfs.js';

/** Writes the layer tar of `upper` to `out`; returns how many entries the upper dir had. */
export async function writeUpperLayer(upper: string, out: Writable): Promise<number> {
  const opaques = await opaqueDirs(upper);
  const writer = new TarWriter(out);
  let entries = 0;
  try {
    await walk(upper, async (rel, stat) => {
      entries++;
      const entry = { path: rel, source: path.join(upper, rel), stat };
      const header = headerOf(entry);
      if (isWhiteout(stat)) {
        const marker = path.posix.join(path.posix.dirname(rel), `.wh.${path.posix.basename(rel)}`);
        await writer.entry({ ...header, type: 'file', path: marker.replace(/^\.\//, '') });
      } else if (stat.isSocket()) {
        return;
      } else if (header.type === 'dir') {
        await writer.entry({ ...header, path: `${rel}/` });
        if (opaques.has(rel)) await writer.entry({ ...header, type: 'file', mode: 0o644, path: `${rel}/.wh..wh..opq` });
      } else if (header.type === 'symlink') {
        await writer.entry({ ...header, linkpath: await fsp.readlink(entry.source) });
      } else if (header.type === 'file') {
        await writer.file(header, entry.source, stat.size);
      } else {
        await writer.entry(header);
      }
    });
  } finally {
    await writer.end();
  }
  return entries;
}
