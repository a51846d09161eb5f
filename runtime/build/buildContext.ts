/**
 * A build's context as the builder uses it: a dir to stage COPY and ADD from, unpacked only
 * when first needed, and for an uploaded tar an index (runtime/build/contextIndex.ts) that lets a
 * fully cached build skip unpacking and staging.
 */
import path from 'node:path';
import { indexContext, type ContextIndex } from './contextIndex.js';

export interface BuildContext {
  /** The context unpacked (the first call unpacks it). */
  dir(): Promise<string>;
  /** The uploaded tar's index; null for a remote context, or one the index cannot vouch for. */
  index(): Promise<ContextIndex | null>;
  /** The Dockerfile's text (`rel` in the context), never through a link. */
  dockerfile(rel: string): Promise<string>;
}

type Unpack = () => Promise<string>;
type ReadFile = (dir: string, rel: string) => Promise<string>;

/** An uploaded context tar, indexed once and unpacked by `unpack` when first needed. */
export function uploadedContext(tarFile: string, dockerfile: string, unpack: Unpack, readFile: ReadFile): BuildContext {
  let unpacked: Promise<string> | null = null;
  let indexed: Promise<ContextIndex | null> | null = null;
  const context: BuildContext = {
    dir: () => (unpacked ??= unpack()),
    index: () => (indexed ??= indexContext(tarFile, path.posix.normalize(`/${dockerfile}`).slice(1))),
    async dockerfile(rel) {
      const kept = rel === dockerfile ? (await context.index())?.kept : undefined;
      return kept ?? readFile(await context.dir(), rel);
    },
  };
  return context;
}

/** A context already on disk (a remote one, fetched). */
export function dirContext(dir: string, readFile: ReadFile): BuildContext {
  return { dir: async () => dir, index: async () => null, dockerfile: (rel) => readFile(dir, rel) };
}
