/**
 * A remote build context as Docker reads one (moby's builder/remotecontext/urlutil and
 * git/gitutils): which words are URLs, which of them are git repositories (`git://`, `git@`,
 * `github.com/`, or an http(s) URL ending in `.git` with an optional `#ref:subdir`), and what an
 * http(s) download holds (a Dockerfile or an archive), by its Content-Type or, when that says
 * nothing, by sniffing its first bytes. Pure.
 */
import { ValidationError } from '../../events/errors.js';

/** Where a remote context comes from: a git repository (at a ref, in a subdir) or an http(s) URL. */
export type RemoteSource =
  | { kind: 'git'; remote: string; ref: string | null; subdir: string }
  | { kind: 'http'; url: string };

/** What a download holds: the Dockerfile itself (the context is then empty), or an archive of the context. */
export type RemoteContent = 'dockerfile' | 'archive';

/** How many bytes of a download Docker looks at to tell a Dockerfile from an archive. */
export const PREAMBLE_LENGTH = 100;

export function isUrl(text: string): boolean {
  return text.startsWith('http://') || text.startsWith('https://');
}

export function isGitUrl(text: string): boolean {
  if (isUrl(text) && /\.git(?:#.+)?$/.test(text)) return true;
  return ['git://', 'github.com/', 'git@'].some((prefix) => text.startsWith(prefix));
}

/** Whether the words name a remote context at all (a local dir of that name wins, as in Docker). */
export function isRemoteContext(text: string): boolean {
  return isUrl(text) || isGitUrl(text);
}

/** The URL as shown in progress and errors: credentials in it (`https://user:token@host/...`) left out. */
export function displayUrl(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

/** The fragment `ref:subdir`; no ref means the remote's default branch (BuildKit's choice; the legacy builder took `master`). */
function refAndSubdir(fragment: string, original: string): { ref: string | null; subdir: string } {
  const colon = fragment.indexOf(':');
  const ref = colon === -1 ? fragment : fragment.slice(0, colon);
  const subdir = colon === -1 ? '' : fragment.slice(colon + 1);
  if (ref.startsWith('-')) throw new ValidationError(`invalid remote build context "${original}": invalid refspec: ${ref}`);
  if (subdir.split('/').includes('..') || subdir.startsWith('/')) {
    throw new ValidationError(`invalid remote build context "${original}": the subdirectory ${subdir} is not inside the repository`);
  }
  return { ref: ref || null, subdir: subdir.replace(/\/+$/, '') };
}

function parsedUrl(text: string): URL {
  try {
    const url = new URL(text);
    if (!url.hostname) throw new Error('no host');
    return url;
  } catch {
    throw new ValidationError(`invalid remote build context "${text}": not a valid URL`);
  }
}

/** The source a remote context names; a malformed one is a ValidationError of one line. */
export function parseRemote(text: string): RemoteSource {
  if (/\s/.test(text)) throw new ValidationError(`invalid remote build context "${text}": not a valid URL`);
  if (isGitUrl(text)) {
    if (text.startsWith('git@')) {
      // scp-like `git@host:path`: not a URL.
      const hash = text.indexOf('#');
      const remote = hash === -1 ? text : text.slice(0, hash);
      if (!/^git@[^:/]+:.+/.test(remote)) throw new ValidationError(`invalid remote build context "${text}": expected git@HOST:PATH`);
      return { kind: 'git', remote, ...refAndSubdir(hash === -1 ? '' : text.slice(hash + 1), text) };
    }
    const url = parsedUrl(text.startsWith('github.com/') ? `https://${text}` : text);
    const fragment = decodeURIComponent(url.hash.slice(1));
    url.hash = '';
    return { kind: 'git', remote: url.toString(), ...refAndSubdir(fragment, text) };
  }
  if (isUrl(text)) {
    const url = parsedUrl(text);
    url.hash = '';
    return { kind: 'http', url: url.toString() };
  }
  throw new ValidationError(`invalid remote build context "${text}": only http://, https:// and git URLs (git://, git@, *.git) are supported`);
}

/** Go's http.DetectContentType calls these bytes binary: a text has none of them. */
const BINARY = /[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]/;

function compressed(head: Buffer): boolean {
  const starts = (...bytes: number[]) => bytes.every((byte, i) => head[i] === byte);
  return starts(0x1f, 0x8b) || starts(0x42, 0x5a, 0x68) || starts(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00) || starts(0x28, 0xb5, 0x2f, 0xfd);
}

/** The type Docker would sniff from the first bytes: an archive, HTML, or plain text. */
function sniff(head: Buffer): string {
  if (compressed(head)) return 'application/octet-stream';
  const text = head.toString('latin1');
  if (BINARY.test(text)) return 'application/octet-stream';
  if (/^\s*<(?:!doctype html|html|head|body|script|title|p|div|h1|br|table|a)[\s>]/i.test(text)) return 'text/html; charset=utf-8';
  return 'text/plain; charset=utf-8';
}

/**
 * What a download holds, from its Content-Type and its first bytes (up to PREAMBLE_LENGTH): as
 * moby's inspectResponse, an empty or `application/octet-stream` type is sniffed; then text/plain
 * is a Dockerfile, a tar or a compressed file an archive, anything else refused.
 */
export function remoteContent(contentType: string | null, head: Buffer): RemoteContent {
  if (head.length === 0) throw new ValidationError('unable to download remote context: empty response');
  const declared = (contentType ?? '').trim();
  const type = declared === '' || /^application\/octet-stream\b/i.test(declared) ? sniff(head) : declared;
  const mime = type.split(';')[0]!.trim().toLowerCase();
  if (mime === 'text/plain') return 'dockerfile';
  if (/^application\/(?:(?:x-)?tar|octet-stream|(?:x-)?(?:gzip|bzip2?|xz))$/.test(mime)) return 'archive';
  throw new ValidationError(`unable to download remote context: unsupported Content-Type "${declared || type}"`);
}
