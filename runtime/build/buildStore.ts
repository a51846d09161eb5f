/**
 * The builder's effects on the store, as the worker offers them: the context unpacked from its
 * tar (with the layer unpacker's safety), COPY and ADD staged and stored as layers, a RUN
 * container's upper dir stored as a layer, config blobs written as images, and the cache
 * index (`builder/cache.json`: key -> image id), which survives restarts.
 */
import { randomBytes, createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ImageRecord } from '../../events/image.js';
import { NotFoundError, ValidationError } from '../../events/errors.js';
import type { Layout } from '../layout.js';
import { mergedTree, walk } from '../containers/rootfs.js';
import { storeUpperLayer } from '../images/commit.js';
import { chainIds, hexOf, sha256 } from '../images/digest.js';
import { parseImageConfig, recordFromConfig } from '../images/imageConfig.js';
import { unpackLayer } from '../images/unpack.js';
import { pruneContext } from './contextEntries.js';
import { openContextTar } from './contextIndex.js';
import { stageCopy, type SourceRoot } from './copyStage.js';
import { downloadContext } from './download.js';
import { cloneContext } from './gitContext.js';
import { parseRemote, remoteContent } from './remoteUrl.js';
import { LowerView, resolveChown } from './lowerView.js';
import type { ConfigBlob, LayerWork } from './stageState.js';

export interface StoredLayer { diffId: string; size: number }

export class BuildStore {
  constructor(private readonly layout: Layout) {}

  private get cacheFile(): string { return path.join(this.layout.root, 'builder', 'cache.json'); }

  /** A fresh work dir for one build (its context, staging), removed by `cleanup`. */
  async workDir(): Promise<string> {
    await fs.mkdir(this.layout.tmpDir, { recursive: true, mode: 0o700 });
    return fs.mkdtemp(path.join(this.layout.tmpDir, 'build-'));
  }

  cleanup(dir: string): Promise<void> {
    return fs.rm(dir, { recursive: true, force: true });
  }

  /** Unpacks the context tar (plain or gzip) into `<work>/context`. */
  async unpackContext(tarFile: string, work: string): Promise<string> {
    const dir = path.join(work, 'context');
    await fs.mkdir(dir, { mode: 0o755 });
    await unpackLayer(await openContextTar(tarFile), dir);
    return dir;
  }

  /**
   * A remote context (`berth build URL`, the API's `remote=`) fetched into `work`: a git
   * repository cloned (without what its .dockerignore excludes), an archive downloaded and
   * unpacked, or a Dockerfile downloaded (its text; the context is then empty).
   */
  async remoteContext(url: string, work: string, dockerfile: string): Promise<{ dir: string; dockerfileText?: string }> {
    const source = parseRemote(url);
    if (source.kind === 'git') {
      const dir = await cloneContext(source, path.join(work, 'git'));
      await pruneContext(dir, dockerfile);
      return { dir };
    }
    const file = path.join(work, 'remote');
    const downloaded = await downloadContext(source.url, file);
    if (remoteContent(downloaded.contentType, downloaded.head) === 'dockerfile') {
      const dir = path.join(work, 'context');
      await fs.mkdir(dir, { mode: 0o755 });
      return { dir, dockerfileText: await fs.readFile(file, 'utf8') };
    }
    const head = downloaded.head;
    if (head[0] === 0x42 && head[1] === 0x5a || head[0] === 0xfd && head[1] === 0x37 || head[0] === 0x28 && head[1] === 0xb5) {
      throw new ValidationError('unsupported compression of the remote context: berth unpacks tar archives, plain or gzip');
    }
    return { dir: await this.unpackContext(file, work) };
  }

  /** A file of the context (the Dockerfile), never through a link. */
  async contextFile(contextDir: string, rel: string): Promise<string> {
    const file = path.join(contextDir, path.posix.normalize(`/${rel}`));
    const stat = await fs.lstat(file).catch(() => null);
    if (!stat?.isFile()) throw new NotFoundError(`failed to read dockerfile: open ${rel}: no such file or directory`);
    return fs.readFile(file, 'utf8');
  }

  /** The context as a source tree, or a stage's (or image's) layers. */
  async sourceRoot(from: { dir: string } | { diffIds: string[] }): Promise<SourceRoot> {
    if ('dir' in from) return { tree: await mergedTree([from.dir], null), keepOwners: false };
    return { tree: await mergedTree(this.layerDirs(from.diffIds), null), keepOwners: true };
  }

  layerDirs(diffIds: string[]): string[] {
    return chainIds(diffIds).map((id) => this.layout.layer(hexOf(id)));
  }

  /** Stages a COPY or ADD over the layers `diffIds`; returns the staging dir and its content digest. */
  async stageCopy(work: string, root: SourceRoot, diffIds: string[], step: Extract<LayerWork, { kind: 'copy' }>): Promise<{ dir: string; digest: string }> {
    const dir = await fs.mkdtemp(path.join(work, 'stage-'));
    const scratch = await fs.mkdtemp(path.join(work, 'scratch-'));
    const layers = this.layerDirs(diffIds);
    let owner = null;
    try {
      owner = step.chown ? await resolveChown(new LowerView(layers), step.chown) : null;
    } catch (error) {
      throw new ValidationError((error as Error).message);
    }
    await stageCopy(dir, scratch, root, layers, step, owner);
    return { dir, digest: await treeDigest(dir) };
  }

  /** The dir as a layer over `parentDiffIds` (null when it is empty). */
  storeLayer(parentDiffIds: string[], dir: string): Promise<StoredLayer | null> {
    return storeUpperLayer(this.layout, parentDiffIds, dir);
  }

  /** The config blob of a stored image. */
  async readConfig(record: ImageRecord): Promise<ConfigBlob> {
    return JSON.parse(await fs.readFile(this.layout.blob(hexOf(record.configDigest)), 'utf8')) as ConfigBlob;
  }

  /** Writes a config blob; returns the image's record (untagged). */
  async writeImage(blob: ConfigBlob, size: number, layerBlobs: string[] | undefined): Promise<ImageRecord> {
    const bytes = JSON.stringify(blob);
    const configDigest = sha256(bytes);
    await fs.mkdir(this.layout.blobsDir, { recursive: true, mode: 0o700 });
    await fs.writeFile(this.layout.blob(hexOf(configDigest)), bytes, { mode: 0o600 });
    return { ...recordFromConfig(configDigest, parseImageConfig(Buffer.from(bytes))), size, tags: [], ...(layerBlobs ? { layerBlobs } : {}) };
  }

  async cacheGet(key: string): Promise<string | undefined> {
    return (await this.readCache())[key];
  }

  async cachePut(key: string, imageId: string): Promise<void> {
    const cache = await this.readCache();
    cache[key] = imageId;
    await this.writeCache(cache);
  }

  /** Forgets the cache entries whose image is not in `live` (builder prune, image removal). */
  async cacheKeep(live: (imageId: string) => boolean): Promise<number> {
    const cache = await this.readCache();
    const kept = Object.fromEntries(Object.entries(cache).filter(([, id]) => live(id)));
    await this.writeCache(kept);
    return Object.keys(cache).length - Object.keys(kept).length;
  }

  /** Written beside and renamed over, so a crash leaves the old index or the new one. */
  private async writeCache(cache: Record<string, string>): Promise<void> {
    await fs.mkdir(path.dirname(this.cacheFile), { recursive: true, mode: 0o700 });
    const temp = `${this.cacheFile}.${randomBytes(8).toString('hex')}`;
    await fs.writeFile(temp, JSON.stringify(cache), { mode: 0o600 });
    await fs.rename(temp, this.cacheFile);
  }

  private async readCache(): Promise<Record<string, string>> {
    try {
      return JSON.parse(await fs.readFile(this.cacheFile, 'utf8')) as Record<string, string>;
    } catch {
      return {};
    }
  }
}

/** The digest of a staged tree: paths, types, modes, owners, link targets and bytes; no times. */
async function treeDigest(dir: string): Promise<string> {
  const rows: string[] = [];
  await walk(dir, async (rel, stat) => {
    const file = path.join(dir, rel);
    const content = stat.isFile() ? createHash('sha256').update(await fs.readFile(file)).digest('hex') : stat.isSymbolicLink() ? await fs.readlink(file) : '';
    rows.push(JSON.stringify([rel, stat.mode, stat.uid, stat.gid, content]));
  });
  return createHash('sha256').update(rows.sort().join('\n')).digest('hex');
}
