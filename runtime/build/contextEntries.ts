/**
 * The paths of a context dir the build keeps: all but what `.dockerignore` excludes (Docker's
 * rules: `**`, `!` exceptions; @balena/dockerignore, the matcher compatible with Docker's), the
 * Dockerfile and .dockerignore always in, a kept entry's parents too. The CLI tars what it
 * keeps (cli/buildContext.ts); a context the daemon fetches (a git checkout) drops the rest.
 */
import type { Stats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import dockerignore from '@balena/dockerignore';

type Entry = { rel: string; stat: Stats };

async function walk(root: string, rel: string, out: Entry[]): Promise<void> {
  for (const name of (await fs.readdir(path.join(root, rel))).sort()) {
    const child = rel ? `${rel}/${name}` : name;
    const stat = await fs.lstat(path.join(root, child));
    out.push({ rel: child, stat });
    if (stat.isDirectory()) await walk(root, child, out);
  }
}

/** Every path of `dir`, parents before children, and those the context keeps. */
async function sortEntries(dir: string, dockerfile: string): Promise<{ all: Entry[]; kept: Set<string> }> {
  const rules = await fs.readFile(path.join(dir, '.dockerignore'), 'utf8').catch(() => '');
  // The package is CommonJS with `exports.default`; NodeNext sees the module object.
  type Factory = () => { add(patterns: string[]): { ignores(path: string): boolean } };
  const module = dockerignore as unknown as Factory & { default?: Factory };
  const ignore = module.default ?? module;
  const matcher = ignore().add(rules.split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#')));
  const all: Entry[] = [];
  await walk(dir, '', all);
  const always = new Set(['.dockerignore', dockerfile]);
  const kept = new Set(all.filter(({ rel }) => always.has(rel) || !matcher.ignores(rel)).map(({ rel }) => rel));
  // A kept entry's parents go too, even when the rules exclude them (an exception under them).
  for (const rel of [...kept]) {
    for (let parent = path.posix.dirname(rel); parent !== '.'; parent = path.posix.dirname(parent)) kept.add(parent);
  }
  return { all, kept };
}

/** The paths of `dir` the context keeps, parents before children. */
export async function contextEntries(dir: string, dockerfile: string): Promise<Entry[]> {
  const { all, kept } = await sortEntries(dir, dockerfile);
  return all.filter(({ rel }) => kept.has(rel));
}

/** Removes from `dir` what the context does not keep (a dropped dir holds nothing kept). */
export async function pruneContext(dir: string, dockerfile: string): Promise<void> {
  const { all, kept } = await sortEntries(dir, dockerfile);
  for (const { rel } of all) if (!kept.has(rel)) await fs.rm(path.join(dir, rel), { recursive: true, force: true });
}
