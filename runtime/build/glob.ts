/**
 * COPY and ADD sources as BuildKit matches them: a path relative to the source root, cleaned
 * (`..` cannot leave it), each segment matched as Go's filepath.Match does (`*`, `?`, `[a-z]`,
 * `[!a]`, `\` escaping). Pure.
 */
import path from 'node:path';

/** The cleaned source path without its leading slash ('' for the root itself). */
export function cleanSource(source: string): string {
  return path.posix.normalize(`/${source}`).replace(/^\/+/, '').replace(/\/+$/, '');
}

export function hasGlob(source: string): boolean {
  return /[*?[]/.test(source);
}

function segmentRegex(segment: string): RegExp {
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '\\' && i + 1 < segment.length) out += `\\${segment[++i]}`;
    else if (c === '[') {
      const end = segment.indexOf(']', i + 2);
      if (end === -1) { out += '\\['; continue; }
      let body = segment.slice(i + 1, end);
      if (body.startsWith('!') || body.startsWith('^')) body = `^${body.slice(1)}`;
      out += `[${body.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else out += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

/** The paths of `all` (relative, no leading slash) that `source` names, sorted. */
export function matchSource(all: Iterable<string>, source: string): string[] {
  const clean = cleanSource(source);
  if (!hasGlob(clean)) return [...all].includes(clean) || clean === '' ? [clean] : [];
  const segments = clean.split('/').map(segmentRegex);
  return [...all].filter((candidate) => {
    const parts = candidate.split('/');
    return parts.length === segments.length && parts.every((part, i) => segments[i]!.test(part));
  }).sort();
}
