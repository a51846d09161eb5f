/** Bytes of file content under a dir (lstat sizes, links not followed); a missing dir is 0. */
import fs from 'node:fs/promises';
import path from 'node:path';

export async function treeSize(dir: string): Promise<number> {
  let total = 0;
  const walk = async (at: string): Promise<void> => {
    const entries = await fs.readdir(at, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) total += (await fs.lstat(full).catch(() => ({ size: 0 }))).size;
    }
  };
  await walk(dir);
  return total;
}
