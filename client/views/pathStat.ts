/**
 * Docker's `X-Docker-Container-Path-Stat` header (archive GET and HEAD): the copied path's
 * name, size, mode (Go's os.FileMode: the type bits above the permissions), mtime and link
 * target, as base64 JSON, from the archive's top entry. Pure.
 */

/** What a tar header says of the top entry. */
export interface TopEntry {
  type: string;
  mode: number;
  size: number;
  mtime: Date;
  linkname?: string | null;
}

/** Go's os.ModeDir and os.ModeSymlink. */
const GO_MODE_DIR = 0x80000000;
const GO_MODE_SYMLINK = 0x08000000;

export function pathStat(name: string, entry: TopEntry): { name: string; size: number; mode: number; mtime: string; linkTarget: string } {
  const type = entry.type === 'directory' ? GO_MODE_DIR : entry.type === 'symlink' ? GO_MODE_SYMLINK : 0;
  return {
    name,
    size: entry.size,
    mode: (type + (entry.mode & 0o7777)) >>> 0,
    mtime: entry.mtime.toISOString(),
    linkTarget: entry.linkname ?? '',
  };
}

export function pathStatHeader(stat: ReturnType<typeof pathStat>): string {
  return Buffer.from(JSON.stringify(stat)).toString('base64');
}
