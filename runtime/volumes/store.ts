/**
 * Volumes on disk: `<root>/volumes/<name>/_data`. Creating is idempotent; removing renames the
 * volume's dir away in one step before deleting it, so a crash leaves the whole volume or none
 * of it; `sweep` finishes what a crash interrupted (removals, copy-ups).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import { treeSize } from '../diskUsage.js';
import path from 'node:path';
import type { Layout } from '../layout.js';

/** Dirs in volumes/ that are not volumes: a removal under way. */
const TRASH_PREFIX = '.trash-';
/** Dirs beside a volume's _data: a copy-up under way (runtime/native/mounts.c). */
const COPY_PREFIX = '.copy-';

export class VolumeStore {
  constructor(private readonly layout: Layout) {}

  /** Makes the volume's data dir (root-owned, 0755, as Docker's local driver does). */
  async create(name: string): Promise<string> {
    const { dir, data } = this.layout.volume(name);
    await fs.mkdir(dir, { recursive: true, mode: 0o701 });
    await fs.mkdir(data, { recursive: true, mode: 0o755 });
    return data;
  }

  /** Where containers mount the volume from. */
  dataPath(name: string): string {
    return this.layout.volume(name).data;
  }

  async exists(name: string): Promise<boolean> {
    return fs.stat(this.layout.volume(name).data).then((s) => s.isDirectory(), () => false);
  }

  /** Deletes a volume whole: one rename takes it out of volumes/, then the trash is deleted. */
  async remove(name: string): Promise<void> {
    const { dir } = this.layout.volume(name);
    const trash = path.join(this.layout.volumesDir, `${TRASH_PREFIX}${name}-${randomBytes(4).toString('hex')}`);
    try {
      await fs.rename(dir, trash);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    await fs.rm(trash, { recursive: true, force: true });
  }

  /** Bytes used by a volume's data (for `volume prune` and `system df`). */
  size(name: string): Promise<number> {
    return treeSize(this.layout.volume(name).data);
  }


  /** The names of the volume dirs on disk. */
  async names(): Promise<string[]> {
    const entries = await fs.readdir(this.layout.volumesDir, { withFileTypes: true }).catch(() => []);
    return entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
  }

  /**
   * Finishes removals and drops copy-ups that a crash cut short. The volumes in `busy` are in
   * use by containers that may be starting, whose copy-up may still be running: their copies stay.
   */
  async sweep(busy: Set<string> = new Set()): Promise<void> {
    const entries = await fs.readdir(this.layout.volumesDir).catch(() => [] as string[]);
    for (const name of entries) {
      if (name.startsWith(TRASH_PREFIX)) {
        await fs.rm(path.join(this.layout.volumesDir, name), { recursive: true, force: true });
        continue;
      }
      if (busy.has(name)) continue;
      const dir = this.layout.volume(name).dir;
      for (const inner of await fs.readdir(dir).catch(() => [] as string[])) {
        if (inner.startsWith(COPY_PREFIX)) await fs.rm(path.join(dir, inner), { recursive: true, force: true });
      }
    }
  }
}
