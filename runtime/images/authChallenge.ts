/** WWW-Authenticate challenges (RFC 7235) as registries send them: Basic, or Bearer with realm/service/scope. */

export interface Challenge {
  /** "basic" or "bearer", lower-cased. */
  scheme: string;
  /** The auth-params: realm, service, scope, error... */
  params: Record<string, string>;
}

/** Parses a header that may hold several challenges: `Bearer realm="https://a",service="b", Basic realm="c"`. */
export function parseChallenges(header: string): Challenge[] {
  const challenges: Challenge[] = [];
  const token = /\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)/y;
  const param = /\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))\s*,?/y;
  let at = 0;
  while (at < header.length) {
    token.lastIndex = at;
    const scheme = token.exec(header);
    if (!scheme) break;
    at = token.lastIndex;
    const params: Record<string, string> = {};
    for (;;) {
      param.lastIndex = at;
      const match = param.exec(header);
      // A bare token after a comma starts the next challenge.
      if (!match) break;
      params[match[1]!.toLowerCase()] = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : match[3]!;
      at = param.lastIndex;
    }
    challenges.push({ scheme: scheme[1]!.toLowerCase(), params });
    while (header[at] === ',' || header[at] === ' ') at++;
  }
  return challenges;
}

/** The URL to ask for a bearer token, for a scope like "repository:library/busybox:pull". */
export function tokenUrl(challenge: Challenge, scope: string): URL {
  const url = new URL(challenge.params.realm!);
  if (challenge.params.service) url.searchParams.set('service', challenge.params.service);
  url.searchParams.set('scope', challenge.params.scope ?? scope);
  return url;
}
