/**
 * The legacy `POST /build` query (t, dockerfile, buildargs, target, labels, nocache, networkmode,
 * extrahosts, shmsize, platform, remote...) as the BuildOptions `berth build` sends. Pure: a bad value is
 * one ValidationError line, as Docker's 400.
 */
import { UnsupportedError, ValidationError } from '../events/errors.js';
import type { BuildOptions } from '../events/requests.js';
import { hostPlatform } from '../runtime/images/manifest.js';
import { normalizeReference } from '../runtime/images/reference.js';
import { parseRemote } from '../runtime/build/remoteUrl.js';

/** `--platform`: only the host's own (`linux/amd64`, or just `amd64`); anything else is a clear error. */
export function checkBuildPlatform(platform: string | undefined): void {
  if (!platform) return;
  const host = hostPlatform();
  const wanted = platform.toLowerCase();
  if (wanted !== `${host.os}/${host.architecture}` && wanted !== host.architecture) {
    throw new ValidationError(`platform ${platform} is not this host's (${host.os}/${host.architecture}); berth builds for the host only`);
  }
}

/** A JSON object of strings in a query value (`buildargs`, `labels`); a null value is left out, as Docker does. */
function jsonMap(query: URLSearchParams, name: string): Record<string, string> {
  const text = query.get(name);
  if (!text) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ValidationError(`invalid ${name}: not a JSON object: ${text}`);
  }
  if (parsed === null) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new ValidationError(`invalid ${name}: not a JSON object: ${text}`);
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (value === null) continue;
    if (typeof value !== 'string') throw new ValidationError(`invalid ${name}: ${key} is not a string`);
    out[key] = value;
  }
  return out;
}

const truthy = (query: URLSearchParams, name: string) => {
  const value = query.get(name);
  return value !== null && value !== '' && !['0', 'false', 'False', 'FALSE'].includes(value);
};

/** The build options of a `POST /build` query; what berth cannot do (BuildKit's session) is refused, a bad `remote` URL too. */
export function buildOptionsFromQuery(query: URLSearchParams): BuildOptions {
  const remote = query.get('remote');
  if (remote === 'client-session') throw new UnsupportedError('berth has the legacy builder only: BuildKit sessions are not supported');
  if (remote) parseRemote(remote);
  if (query.get('version') === '2') throw new UnsupportedError('berth has the legacy builder only (version 1): BuildKit sessions are not supported');
  checkBuildPlatform(query.get('platform') ?? undefined);
  const shm = query.get('shmsize');
  if (shm && !/^\d+$/.test(shm)) throw new ValidationError(`invalid shmsize: ${shm}`);
  const tags = query.getAll('t').filter(Boolean).map((tag) => {
    try {
      return normalizeReference(tag);
    } catch {
      throw new ValidationError(`invalid reference format: ${tag}`);
    }
  });
  const network = query.get('networkmode');
  const extraHosts = query.getAll('extrahosts').flatMap((value) => value.split(',')).map((host) => host.trim()).filter(Boolean);
  const target = query.get('target');
  return {
    dockerfile: query.get('dockerfile') || 'Dockerfile',
    tags,
    buildArgs: jsonMap(query, 'buildargs'),
    ...(target ? { target } : {}),
    noCache: truthy(query, 'nocache'),
    labels: jsonMap(query, 'labels'),
    ...(network && network !== 'default' ? { network } : {}),
    ...(extraHosts.length ? { extraHosts } : {}),
    ...(remote ? { remote } : {}),
  };
}
