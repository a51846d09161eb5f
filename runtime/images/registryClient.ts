/**
 * One registry over the OCI Distribution API v2 (Node's fetch): scheme choice (HTTPS, or plain
 * HTTP only for 127.0.0.0/8, localhost and named insecure registries), the Basic and Bearer
 * token flows on a 401, manifests by tag or digest, and blobs (with a Range to resume).
 */
import { BerthError, NotFoundError, RegistryError, UnauthorizedError } from '../../events/errors.js';
import { parseChallenges, tokenUrl, type Challenge } from './authChallenge.js';
import type { Credentials } from './credentials.js';
import { MANIFEST_ACCEPT } from './manifest.js';
import { MANIFEST_LIMIT, errorText, readBounded } from './boundedBody.js';
import { registryEndpoint } from './reference.js';

/** A request's method and body (made afresh for each send). */
export interface SendOptions {
  method?: string;
  body?: () => BodyInit | Promise<BodyInit>;
}

export interface RegistryOptions {
  /** Hosts (host or host:port) that may be reached over plain HTTP. */
  insecureRegistries: string[];
  credentials: Credentials | null;
}

/** Plain HTTP is allowed for loopback, as Docker does, and for the registries named insecure. */
export function insecureAllowed(host: string, insecure: string[]): boolean {
  const bare = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return /^127\.\d+\.\d+\.\d+$/.test(bare) || bare === 'localhost' || bare === '::1' || insecure.includes(host) || insecure.includes(bare);
}

export class RegistryClient {
  private base: string | null = null;
  /** Authorization header values by scope. */
  private readonly authorizations = new Map<string, string>();

  constructor(readonly registry: string, private readonly options: RegistryOptions) {}

  private get host(): string {
    return registryEndpoint(this.registry);
  }

  /** https://host, or http://host where allowed and HTTPS does not answer. */
  async baseUrl(): Promise<string> {
    if (this.base) return this.base;
    const secure = `https://${this.host}`;
    if (!insecureAllowed(this.host, this.options.insecureRegistries)) return (this.base = secure);
    try {
      await fetch(`${secure}/v2/`, { signal: AbortSignal.timeout(5000) });
      this.base = secure;
    } catch {
      this.base = `http://${this.host}`;
    }
    return this.base;
  }

  private basic(): string | null {
    const c = this.options.credentials;
    return c ? `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}` : null;
  }

  /**
   * A request with the scope's authorization; on a 401 it answers the challenge once and retries.
   * `path` is under the registry's base, or an absolute URL (an upload's Location). A body is a
   * factory, so the retry sends it again.
   */
  async request(path: string, scope: string, headers: Record<string, string> = {}, init: SendOptions = {}): Promise<Response> {
    const url = /^https?:\/\//.test(path) ? path : `${await this.baseUrl()}${path}`;
    const send = async (authorization?: string) =>
      fetch(url, {
        method: init.method ?? 'GET',
        headers: { ...headers, ...(authorization ? { authorization } : {}) },
        ...(init.body ? { body: await init.body(), duplex: 'half' } : {}),
      } as RequestInit).catch((error: Error) => {
        throw new RegistryError(`${this.registry}: ${error.message}${error.cause ? ` (${(error.cause as Error).message})` : ''}`, { cause: error });
      });
    let response = await send(this.authorizations.get(scope));
    if (response.status !== 401) return response;
    const challenges = parseChallenges(response.headers.get('www-authenticate') ?? '');
    await response.body?.cancel();
    const authorization = await this.answer(challenges, scope);
    this.authorizations.set(scope, authorization);
    response = await send(authorization);
    if (response.status === 401) {
      await response.body?.cancel();
      throw new UnauthorizedError(`${this.registry}: unauthorized: ${this.options.credentials ? 'the registry refused the credentials' : 'authentication required (berth login)'}`);
    }
    return response;
  }

  private async answer(challenges: Challenge[], scope: string): Promise<string> {
    const bearer = challenges.find((c) => c.scheme === 'bearer' && c.params.realm);
    if (bearer) return `Bearer ${await this.token(bearer, scope)}`;
    const basic = this.basic();
    if (challenges.some((c) => c.scheme === 'basic') && basic) return basic;
    throw new UnauthorizedError(`${this.registry}: unauthorized: authentication required (berth login ${this.registry})`);
  }

  private async token(challenge: Challenge, scope: string): Promise<string> {
    const url = tokenUrl(challenge, scope);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && insecureAllowed(url.host, this.options.insecureRegistries))) {
      throw new RegistryError(`${this.registry}: refusing the token realm ${url.origin}: not HTTPS`);
    }
    const basic = this.basic();
    const response = await fetch(url, { headers: basic ? { authorization: basic } : {} }).catch((error: Error) => {
      throw new RegistryError(`${this.registry}: token server ${url.origin}: ${error.message}`, { cause: error });
    });
    if (response.status === 401 || response.status === 403) {
      throw new UnauthorizedError(`${this.registry}: unauthorized: ${basic ? 'incorrect username or password' : 'authentication required (berth login)'}`);
    }
    if (!response.ok) throw new RegistryError(`${this.registry}: token server answered ${response.status}`);
    const body = JSON.parse((await readBounded(response, MANIFEST_LIMIT, `${this.registry}: token server`)).toString('utf8')) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new RegistryError(`${this.registry}: the token server sent no token`);
    return token;
  }

  /** Checks the credentials the way `docker login` does: GET /v2/ must answer 200 once authorized. */
  async ping(): Promise<void> {
    const response = await this.request('/v2/', 'registry:catalog:*');
    await response.body?.cancel();
    if (!response.ok) throw new RegistryError(`${this.registry}: /v2/ answered ${response.status}`);
  }

  /** A manifest by tag or digest: its bytes, media type and the digest the registry claims. */
  async manifest(repository: string, reference: string): Promise<{ body: Buffer; contentType: string | null; claimedDigest: string | null }> {
    const response = await this.request(`/v2/${repository}/manifests/${reference}`, `repository:${repository}:pull`, { accept: MANIFEST_ACCEPT });
    if (response.status === 404) {
      await response.body?.cancel();
      throw new NotFoundError(`manifest for ${this.registry}/${repository}:${reference} not found: manifest unknown`);
    }
    if (!response.ok) throw new RegistryError(`${this.registry}: manifest ${repository}:${reference}: ${response.status} ${await errorText(response)}`);
    const body = await readBounded(response, MANIFEST_LIMIT, `${this.registry}: manifest ${repository}:${reference}`);
    return { body, contentType: response.headers.get('content-type'), claimedDigest: response.headers.get('docker-content-digest') };
  }

  /** Every tag of a repository (GET /v2/<name>/tags/list, following `Link: <...>; rel="next"` pages). */
  async tags(repository: string): Promise<string[]> {
    const tags: string[] = [];
    let next: string | null = `/v2/${repository}/tags/list?n=1000`;
    for (let page = 0; next && page < 1000; page++) {
      const response = await this.request(next, `repository:${repository}:pull`, { accept: 'application/json' });
      if (response.status === 404) {
        await response.body?.cancel();
        throw new NotFoundError(`repository ${this.registry}/${repository} not found`);
      }
      if (!response.ok) throw new RegistryError(`${this.registry}: tags of ${repository}: ${response.status} ${await errorText(response)}`);
      const page = JSON.parse((await readBounded(response, MANIFEST_LIMIT, `${this.registry}: tags of ${repository}`)).toString('utf8')) as { tags?: string[] | null };
      tags.push(...(page.tags ?? []));
      const link = /<([^>]+)>\s*;\s*rel="?next"?/.exec(response.headers.get('link') ?? '')?.[1];
      next = link ? new URL(link, await this.baseUrl()).href : null;
    }
    return tags;
  }

  /** A blob, from byte `offset` on (the answer is 206 when the registry honours the range). */
  async blob(repository: string, digest: string, offset = 0): Promise<Response> {
    const headers: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-` } : {};
    const response = await this.request(`/v2/${repository}/blobs/${digest}`, `repository:${repository}:pull`, headers);
    if (response.status === 404) throw new NotFoundError(`blob ${digest} not found in ${this.registry}/${repository}`);
    if (!response.ok && response.status !== 416) throw new RegistryError(`${this.registry}: blob ${digest}: ${response.status} ${await errorText(response)}`.trim());
    return response;
  }
}
