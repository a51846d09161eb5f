/**
 * Reading what a tree entry names (a file's content, a link's target) without a path the kernel
 * walks from `/`: the entry's dir is opened from its trusted base one component at a time,
 * never following a link (openDirIn), and the entry itself O_NOFOLLOW. What changed since the
 * walk (a dir swapped for a link, a file for a link or a fifo, anything gone) reads as null, and
 * the caller leaves that entry out. The last dir opened is kept, since a sorted tree reads a
 * dir's entries one after another.
 */
import { constants } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { isSwapped, openDirIn, OpenDir } from './openDir.js';

/** Where an entry is: a trusted dir (a layer, an upper dir, a container's root) and its path below it, as walked. */
export interface EntryPlace {
  base: string;
  rel: string;
}

const orNull = <T>(work: Promise<T>): Promise<T | null> => work.catch((error: unknown) => {
  if (isSwapped(error)) return null;
  throw error;
});

export class TreeReader {
  private readonly bases = new Map<string, OpenDir>();
  private parent: { key: string; dir: OpenDir } | null = null;

  private async dirOf(place: EntryPlace): Promise<OpenDir | null> {
    const dirname = path.posix.dirname(place.rel);
    const key = `${place.base}\0${dirname}`;
    if (this.parent?.key === key) return this.parent.dir;
    await this.parent?.dir.close();
    this.parent = null;
    let base = this.bases.get(place.base);
    if (!base) {
      base = await OpenDir.open(place.base);
      this.bases.set(place.base, base);
    }
    const dir = await orNull(openDirIn(base, dirname));
    if (dir) this.parent = { key, dir };
    return dir;
  }

  /** A regular file's open handle (the caller closes it), or null when it is not one any more. */
  async open(place: EntryPlace): Promise<FileHandle | null> {
    const dir = await this.dirOf(place);
    const handle = dir && await orNull(dir.openFile(path.posix.basename(place.rel), constants.O_RDONLY));
    if (!handle) return null;
    if ((await handle.stat()).isFile()) return handle;
    await handle.close();
    return null;
  }

  /** A link's target, or null when it is not a link any more. */
  async readlink(place: EntryPlace): Promise<string | null> {
    const dir = await this.dirOf(place);
    return dir && orNull(dir.readlink(path.posix.basename(place.rel)));
  }

  async close(): Promise<void> {
    await this.parent?.dir.close();
    for (const dir of this.bases.values()) await dir.close();
  }
}
