/**
 * `berth build [OPTIONS] PATH | URL | -`: a Dockerfile and its context to an image, on the host's
 * daemon (client/build.ts). A URL (git, or http(s) to a tar or a Dockerfile) is fetched by the
 * daemon; a malformed or unsupported one is refused here with one line and exit 125. Progress goes to stderr in BuildKit's plain style; `-q` prints only
 * the id on stdout. Any failure is one `ERROR:` line and exit 1, as `docker build`.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buildImage } from '../../client/build.js';
import type { BuildOptions } from '../../events/requests.js';
import { isRemoteContext, parseRemote } from '../../runtime/build/remoteUrl.js';
import { normalizeReference } from '../../runtime/images/reference.js';
import { hostPlatform } from '../../runtime/images/manifest.js';
import { connectClient, type GlobalOptions } from '../client.js';
import { contextTar } from '../buildContext.js';
import { plainLine } from '../buildProgress.js';

export interface BuildFlags {
  tag: string[];
  file?: string;
  buildArg: string[];
  target?: string;
  cache: boolean;
  label: string[];
  network?: string;
  quiet?: boolean;
  iidfile?: string;
  progress?: string;
  platform?: string;
  addHost: string[];
}

class UsageError extends Error {}

function pairs(values: string[], flag: string, fromEnv: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    if (eq === 0) throw new UsageError(`invalid argument "${value}" for "${flag}" flag: invalid key`);
    if (eq === -1) {
      const env = process.env[value];
      if (fromEnv && env !== undefined) out[value] = env;
      else if (!fromEnv) out[value] = '';
      continue;
    }
    out[value.slice(0, eq)] = value.slice(eq + 1);
  }
  return out;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

function isTar(head: Buffer): boolean {
  return (head[0] === 0x1f && head[1] === 0x8b) || head.toString('latin1', 257, 262) === 'ustar';
}

/** A remote context the engine refuses to fetch (a malformed or unsupported URL): one line, exit 125. */
class RefusedUrlError extends Error {}

/** The context stream (none for a remote one, which the daemon fetches) and where the Dockerfile comes from. */
export async function prepareContext(contextArg: string, flags: Pick<BuildFlags, 'file'>): Promise<{ context: Readable | null; remote?: string; dockerfile?: string; dockerfileText?: string }> {
  if (contextArg === '-') {
    if (flags.file === '-') throw new UsageError('invalid argument: can\'t use stdin for both build context and dockerfile');
    const input = await readAll(process.stdin);
    if (isTar(input)) return { context: Readable.from([input]), dockerfile: flags.file ?? 'Dockerfile' };
    // A Dockerfile on stdin: an empty context.
    return { context: contextTar(await fs.mkdtemp(path.join(os.tmpdir(), 'berth-empty-')), 'Dockerfile'), dockerfileText: input.toString('utf8') };
  }
  const dir = path.resolve(contextArg);
  const stat = await fs.stat(dir).catch(() => null);
  // A URL, or anything with a scheme (refused, not "path not found").
  if (!stat?.isDirectory() && (isRemoteContext(contextArg) || /^[a-z][a-z0-9+.-]*:\/\//i.test(contextArg))) return remoteContext(contextArg, flags);
  if (!stat?.isDirectory()) throw new UsageError(`unable to prepare context: path "${contextArg}" not found`);
  let dockerfileText: string;
  let inContext = 'Dockerfile';
  if (flags.file === '-') dockerfileText = (await readAll(process.stdin)).toString('utf8');
  else {
    const file = flags.file ? path.resolve(flags.file) : path.join(dir, 'Dockerfile');
    dockerfileText = await fs.readFile(file, 'utf8').catch(() => { throw new UsageError(`failed to read dockerfile: open ${flags.file ?? 'Dockerfile'}: no such file or directory`); });
    const rel = path.relative(dir, file);
    if (!rel.startsWith('..')) inContext = rel.split(path.sep).join('/');
  }
  return { context: contextTar(dir, inContext), dockerfileText };
}

/** A URL context (a local dir of that name would have won): checked here, fetched by the daemon; `-f` is a path in it. */
async function remoteContext(url: string, flags: Pick<BuildFlags, 'file'>): Promise<{ context: null; remote: string; dockerfile?: string; dockerfileText?: string }> {
  try {
    parseRemote(url);
  } catch (error) {
    throw new RefusedUrlError((error as Error).message);
  }
  if (flags.file === '-') return { context: null, remote: url, dockerfileText: (await readAll(process.stdin)).toString('utf8') };
  return { context: null, remote: url, ...(flags.file ? { dockerfile: path.posix.normalize(flags.file).replace(/^\/+/, '') } : {}) };
}

export default async function build(contextArg: string, flags: BuildFlags, globals: GlobalOptions): Promise<number> {
  try {
    if (flags.progress && !['auto', 'plain', 'tty', 'quiet'].includes(flags.progress)) throw new UsageError(`invalid progress mode "${flags.progress}": use auto, plain, tty or quiet`);
    if (flags.platform) {
      const host = hostPlatform();
      const wanted = flags.platform.toLowerCase();
      if (wanted !== `${host.os}/${host.architecture}` && wanted !== host.architecture) {
        throw new UsageError(`platform ${flags.platform} is not this host's (${host.os}/${host.architecture}); berth builds for the host only`);
      }
    }
    const tags = flags.tag.map((tag) => {
      try { return normalizeReference(tag); } catch { throw new UsageError(`invalid argument "${tag}" for "-t, --tag" flag: invalid reference format`); }
    });
    const { context, ...dockerfile } = await prepareContext(contextArg, flags);
    const options: BuildOptions = {
      ...dockerfile,
      tags,
      buildArgs: pairs(flags.buildArg, '--build-arg', true),
      ...(flags.target ? { target: flags.target } : {}),
      noCache: !flags.cache,
      labels: pairs(flags.label, '--label', false),
      ...(flags.network && flags.network !== 'default' ? { network: flags.network } : {}),
      ...(flags.addHost.length ? { extraHosts: flags.addHost } : {}),
    };
    const client = await connectClient(globals);
    try {
      const run = buildImage(client, context, options);
      const quiet = flags.quiet || flags.progress === 'quiet';
      const printing = (async () => {
        for await (const event of run.events) if (!quiet) process.stderr.write(plainLine(event));
      })();
      const result = await run.result.finally(() => printing);
      await printing;
      if (flags.iidfile) await fs.writeFile(flags.iidfile, `sha256:${result.id}`);
      if (quiet) process.stdout.write(`sha256:${result.id}\n`);
      return 0;
    } finally {
      await client.close();
    }
  } catch (error) {
    const message = (error as Error).message;
    process.stderr.write(error instanceof UsageError || error instanceof RefusedUrlError ? `ERROR: ${message}\n` : `ERROR: failed to solve: ${message}\n`);
    return error instanceof RefusedUrlError ? 125 : 1;
  }
}
