/**
 * A git build context, cloned with the host's `git` as moby's gitutils does: `init`, a remote
 * `origin`, a fetch of the one ref (shallow, unless an http server is a dumb one, which cannot
 * serve a shallow fetch), a checkout of it (or of FETCH_HEAD), its submodules; then the
 * subdir. Local repositories as submodules (`protocol.file.allow=never`) and prompts for
 * credentials are refused. The `.git` dir is not part of the context (BuildKit's default).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { BerthError, ValidationError } from '../../events/errors.js';
import { displayUrl } from './remoteUrl.js';

/** How long one git command may take. */
const GIT_TIMEOUT_MS = 15 * 60_000;

export interface GitSource {
  remote: string;
  /** null: the remote's default branch (its HEAD). */
  ref: string | null;
  subdir: string;
}

function git(dir: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const env = {
      ...process.env,
      GIT_TERMINAL_PROMPT: '0',
      GIT_PROTOCOL_FROM_USER: '0',
      GIT_SSH_COMMAND: process.env.GIT_SSH_COMMAND ?? 'ssh -o BatchMode=yes',
    };
    execFile('git', ['-c', 'protocol.file.allow=never', ...args], { cwd: dir, env, timeout: GIT_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'git is not installed on the build host; it is needed to build from a git repository'
        : `git ${args[0]}: ${(stderr.trim().split('\n').filter(Boolean).at(-1) ?? error.message).trim().replace(/(:\/\/)[^/@\s']*@/g, '$1')}`;
      reject(new BerthError(reason, { cause: error }));
    });
  });
}

/** Whether an http(s) remote is a smart server (it answers git-upload-pack's refs), which a shallow fetch needs. */
async function shallowOk(remote: string): Promise<boolean> {
  if (!/^https?:\/\//.test(remote)) return true;
  try {
    const response = await fetch(`${remote}/info/refs?service=git-upload-pack`, { signal: AbortSignal.timeout(60_000) });
    await response.body?.cancel().catch(() => {});
    return response.ok && response.headers.get('content-type') === 'application/x-git-upload-pack-advertisement';
  } catch {
    return false;
  }
}

/** Clones `source` into `dir` (empty or absent); returns the context dir (the subdir's). */
export async function cloneContext(source: GitSource, dir: string): Promise<string> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const ref = source.ref ?? 'HEAD';
  try {
    await git(dir, ['init', '-q']);
    await git(dir, ['remote', 'add', 'origin', source.remote]);
    await git(dir, ['fetch', '-q', ...(await shallowOk(source.remote) ? ['--depth', '1'] : []), 'origin', '--', ref]);
  } catch (error) {
    throw new BerthError(`unable to clone ${displayUrl(source.remote)}: ${(error as Error).message}`, { cause: error });
  }
  // A branch by its name (so HEAD names it), else what the fetch brought (a tag, a commit).
  if (source.ref === null || await git(dir, ['checkout', '-q', ref]).then(() => false, () => true)) {
    await git(dir, ['checkout', '-q', 'FETCH_HEAD']).catch((error: Error) => { throw new BerthError(`error checking out ${ref}: ${error.message}`, { cause: error }); });
  }
  await git(dir, ['submodule', '-q', 'update', '--init', '--recursive', '--depth=1']);
  await fs.rm(path.join(dir, '.git'), { recursive: true, force: true });
  if (!source.subdir) return dir;
  // The subdir, never through a link (it could point out of the checkout).
  let at = dir;
  for (const part of source.subdir.split('/').filter(Boolean)) {
    at = path.join(at, part);
    const stat = await fs.lstat(at).catch(() => null);
    if (!stat?.isDirectory()) throw new ValidationError(`error setting git context: ${source.subdir} is not a directory of the repository`);
  }
  return at;
}
