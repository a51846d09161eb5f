/**
 * `berth cp CONTAINER:SRC DEST|-` and `berth cp SRC|- CONTAINER:DEST`: the CLI does the host's
 * side (reads or writes the host path, or the tar on stdin/stdout) and the daemon the
 * container's, through a tar file under the run root.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { archiveInRoot } from '../../runtime/containers/copyArchive.js';
import { extractInRoot } from '../../runtime/containers/copyExtract.js';
import { copyDirection, copyTarget, parseCopyArg } from '../../runtime/containers/copyRules.js';
import { connectClient, type EngineClient, type GlobalOptions } from '../client.js';
import { humanSize } from '../output.js';
import { withRunRootFile } from '../runRootFile.js';

interface CopyOptions {
  archive?: boolean;
  followLink?: boolean;
  quiet?: boolean;
}

const COPY_TIMEOUT_MS = 60 * 60_000;

/** A host path as an absolute one, keeping a trailing `/` or `/.` (they mean something to cp). */
const absolute = (hostPath: string) => (hostPath.startsWith('/') ? hostPath : `${process.cwd()}/${hostPath}`);

async function hostKind(dest: string): Promise<'dir' | 'file' | 'missing'> {
  const stat = await fs.stat(dest).catch(() => null);
  return !stat ? 'missing' : stat.isDirectory() ? 'dir' : 'file';
}

async function copyFrom(client: EngineClient, container: string, inside: string, dest: string, temp: string, opts: CopyOptions): Promise<number> {
  const source = await client.request({ op: 'container.copyFrom', ref: container, path: inside, follow: opts.followLink ?? false, file: temp }, COPY_TIMEOUT_MS);
  if (dest === '-') {
    await pipeline(createReadStream(temp), process.stdout, { end: false });
    return source.size;
  }
  const target = copyTarget(source, absolute(dest), await hostKind(dest));
  return extractInRoot('/', createReadStream(temp), { base: target, top: source.name, owners: opts.archive ?? false });
}

async function copyTo(client: EngineClient, source: string, container: string, inside: string, temp: string, opts: CopyOptions): Promise<number> {
  let described = null;
  if (source === '-') await pipeline(process.stdin, createWriteStream(temp, { mode: 0o600 }));
  else described = await archiveInRoot('/', absolute(source), opts.followLink ?? false, createWriteStream(temp, { mode: 0o600 }));
  const request = { op: 'container.copyTo' as const, ref: container, path: inside, file: temp, owners: opts.archive ?? false };
  const { size } = await client.request({ ...request, source: described && { name: described.name, isDir: described.isDir, contentsOnly: described.contentsOnly } }, COPY_TIMEOUT_MS);
  return size;
}

export default async function cp(sourceArg: string, destinationArg: string, opts: CopyOptions, globals: GlobalOptions): Promise<number> {
  const source = parseCopyArg(sourceArg);
  const destination = parseCopyArg(destinationArg);
  const direction = copyDirection(source, destination);
  const client = await connectClient(globals);
  try {
    const size = await withRunRootFile(client, 'cp', (temp) => (direction === 'from'
      ? copyFrom(client, source.container!, source.path, destination.path, temp, opts)
      : copyTo(client, source.path, destination.container!, destination.path, temp, opts)));
    if (!opts.quiet && destination.path !== '-') process.stderr.write(`Successfully copied ${humanSize(size)} to ${destinationArg}\n`);
    return 0;
  } finally {
    await client.close();
  }
}
