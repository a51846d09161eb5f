/**
 * The build context as the Docker CLI sends it: the directory as a tar, without what
 * `.dockerignore` excludes (Docker's rules: `**`, `!` exceptions; @balena/dockerignore, the
 * matcher compatible with Docker's), the Dockerfile and .dockerignore always in. Owners go as
 * 0:0 (the builder ignores them); modes, mtimes and links as they are.
 */
import { createReadStream, type Stats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import dockerignore from '@balena/dockerignore';
import { pack, type Pack } from 'tar-stream';

async function walk(root: string, rel: string, out: Array<{ rel: string; stat: Stats }>): Promise<void> {
  for (const name of (await fs.readdir(path.join(root, rel))).sort()) {
    const child = rel ? `${rel}/${name}` : name;
    const stat = await fs.lstat(path.join(root, child));
    out.push({ rel: child, stat });
    if (stat.isDirectory()) await walk(root, child, out);
  }
}

/** The paths of `dir` the context keeps, parents before children. */
export async function contextEntries(dir: string, dockerfile: string): Promise<Array<{ rel: string; stat: Stats }>> {
  const rules = await fs.readFile(path.join(dir, '.dockerignore'), 'utf8').catch(() => '');
  // The package is CommonJS with `exports.default`; NodeNext sees the module object.
  type Factory = () => { add(patterns: string[]): { ignores(path: string): boolean } };
  const module = dockerignore as unknown as Factory & { default?: Factory };
  const ignore = module.default ?? module;
  const matcher = ignore().add(rules.split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#')));
  const all: Array<{ rel: string; stat: Stats }> = [];
  await walk(dir, '', all);
  const always = new Set(['.dockerignore', dockerfile]);
  const kept = new Set(all.filter(({ rel }) => always.has(rel) || !matcher.ignores(rel)).map(({ rel }) => rel));
  // A kept entry's parents go too, even when the rules exclude them (an exception under them).
  for (const rel of [...kept]) {
    for (let parent = path.posix.dirname(rel); parent !== '.'; parent = path.posix.dirname(parent)) kept.add(parent);
  }
  return all.filter(({ rel }) => kept.has(rel));
}

async function addEntry(archive: Pack, dir: string, rel: string, stat: Stats): Promise<void> {
  const common = { name: rel, mode: stat.mode & 0o7777, mtime: stat.mtime, uid: 0, gid: 0 };
  const file = path.join(dir, rel);
  if (stat.isDirectory()) await new Promise<void>((resolve, reject) => archive.entry({ ...common, type: 'directory' }, (e) => (e ? reject(e) : resolve())));
  else if (stat.isSymbolicLink()) {
    const linkname = await fs.readlink(file);
    await new Promise<void>((resolve, reject) => archive.entry({ ...common, type: 'symlink', linkname }, (e) => (e ? reject(e) : resolve())));
  } else if (stat.isFile()) {
    const sink = archive.entry({ ...common, type: 'file', size: stat.size });
    await pipeline(createReadStream(file), sink);
  }
}

/** The context tar of `dir`, streamed as it is read. */
export function contextTar(dir: string, dockerfile: string): Readable {
  const archive = pack();
  const out = new PassThrough();
  archive.pipe(out);
  void (async () => {
    for (const { rel, stat } of await contextEntries(dir, dockerfile)) await addEntry(archive, dir, rel, stat);
    archive.finalize();
  })().catch((error: Error) => out.destroy(error));
  return out;
}
