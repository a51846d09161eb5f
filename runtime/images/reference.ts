/**
 * Image references as Docker writes them: [REGISTRY/]NAME[:TAG][@DIGEST], with docker.io and
 * "latest" as the defaults. Local tags are kept in Docker's familiar form ("busybox:latest",
 * "127.0.0.1:5000/team/app:v2").
 */
import { ValidationError } from '../../events/errors.js';

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const NAME = new RegExp(`^(?:[a-zA-Z0-9.-]+(?::[0-9]+)?/)?${COMPONENT}(?:/${COMPONENT})*$`);
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
export const DOCKER_HUB = 'docker.io';

/** A reference split into where it lives and what it names. */
export interface RemoteReference {
  /** The registry host[:port] as the user names it ("docker.io" for Docker Hub). */
  registry: string;
  /** The repository path on that registry ("library/busybox"). */
  repository: string;
  /** The tag, unless the reference is by digest alone. */
  tag: string | null;
  digest: string | null;
  /** The familiar name: "busybox", "127.0.0.1:5000/app". */
  name: string;
}

function hasRegistry(first: string, rest: boolean): boolean {
  return rest && (first.includes('.') || first.includes(':') || first === 'localhost');
}

export function parseReference(reference: string): RemoteReference {
  const at = reference.indexOf('@');
  const digest = at === -1 ? null : reference.slice(at + 1);
  const named = at === -1 ? reference : reference.slice(0, at);
  if (digest !== null && !DIGEST.test(digest)) throw new ValidationError(`invalid reference format: "${reference}" (bad digest)`);
  const slash = named.lastIndexOf('/');
  const colon = named.lastIndexOf(':');
  const hasTag = colon > slash;
  const path = hasTag ? named.slice(0, colon) : named;
  const tag = hasTag ? named.slice(colon + 1) : digest ? null : 'latest';
  if (!NAME.test(path)) throw new ValidationError(`invalid reference format: "${reference}" (repository name must be lowercase)`);
  if (tag !== null && !TAG.test(tag)) throw new ValidationError(`invalid reference format: "${reference}" (bad tag)`);
  const [first, ...others] = path.split('/');
  const explicit = hasRegistry(first!, others.length > 0);
  const registry = explicit ? first! : DOCKER_HUB;
  let repository = explicit ? others.join('/') : path;
  if (/[A-Z]/.test(repository)) throw new ValidationError(`invalid reference format: "${reference}" (repository name must be lowercase)`);
  if (registry === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`;
  const name = registry === DOCKER_HUB ? repository.replace(/^library\//, '') : `${registry}/${repository}`;
  return { registry, repository, tag, digest, name };
}

/** Whether the reference names a tag itself ("app:v1"), rather than getting "latest" by default. */
export function hasExplicitTag(reference: string): boolean {
  const named = reference.split('@')[0]!;
  return named.lastIndexOf(':') > named.lastIndexOf('/');
}

/** "busybox" -> "busybox:latest"; "docker.io/library/busybox" too. Throws ValidationError on a malformed reference or a digest. */
export function normalizeReference(reference: string): string {
  const parsed = parseReference(reference);
  if (parsed.tag === null || parsed.digest !== null) throw new ValidationError(`invalid reference format: "${reference}" (a tag is needed here, not a digest)`);
  return `${parsed.name}:${parsed.tag}`;
}

/** Splits "name:tag" into its parts. */
export function splitReference(normalized: string): { repository: string; tag: string } {
  const colon = normalized.lastIndexOf(':');
  return { repository: normalized.slice(0, colon), tag: normalized.slice(colon + 1) };
}

/** The host pulls talk to: Docker Hub's API lives on registry-1.docker.io. */
export function registryEndpoint(registry: string): string {
  return registry === DOCKER_HUB ? 'registry-1.docker.io' : registry;
}
