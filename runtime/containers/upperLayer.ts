/**
 * `commit`: a container's upper dir as a layer tar, in the OCI / Docker whiteout form: a 0/0
 * char device (overlayfs' whiteout) becomes an empty `.wh.NAME` file, and a dir with
 * trusted.overlay.opaque=y gets an empty `.wh..wh..opq` entry right after it. Everything else
 * goes as it is on disk (parents before children, links not followed, sockets skipped).
 */
import path from 'node:path';
import type { Writable } from 'node:stream';
import { TarWriter } from '../images/tarWriter.js';
import { addEntry, headerOf, isWhiteout, opaqueDirs, walk } from './rootfs.js';
import { TreeReader } from './treeReader.js';

/** Writes the layer tar of `upper` to `out`; returns how many entries the upper dir had. */
export async function writeUpperLayer(upper: string, out: Writable): Promise<number> {
  const opaques = await opaqueDirs(upper);
  const writer = new TarWriter(out);
  const reader = new TreeReader();
  let entries = 0;
  try {
    await walk(upper, async (rel, stat) => {
      entries++;
      const entry = { path: rel, base: upper, rel, stat };
      const header = headerOf(entry);
      if (isWhiteout(stat)) {
        const marker = path.posix.join(path.posix.dirname(rel), `.wh.${path.posix.basename(rel)}`);
        await writer.entry({ ...header, type: 'file', path: marker.replace(/^\.\//, '') });
      } else if (await addEntry(writer, reader, entry, header) && header.type === 'dir' && opaques.has(rel)) {
        await writer.entry({ ...header, type: 'file', mode: 0o644, path: `${rel}/.wh..wh..opq` });
      }
    });
  } finally {
    await reader.close();
    await writer.end();
  }
  return entries;
}
