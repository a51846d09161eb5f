/**
 * Addressing containers across hosts, pure. Names are unique per host: a container is
 * `NAME` (or an id, or an id prefix) when that is unambiguous in the cluster, and
 * `HOST/NAME` otherwise.
 */
import { NotFoundError, ValidationError } from '../events/errors.js';
import type { ContainerView } from '../events/requests.js';
import { SUBJECT_TOKEN } from '../events/subjects.js';

/** `h1/web` → host h1, ref web; `web` → no host. */
export function splitHostRef(ref: string): { host?: string; ref: string } {
  const slash = ref.indexOf('/');
  if (slash <= 0) return { ref };
  const host = ref.slice(0, slash);
  return SUBJECT_TOKEN.test(host) ? { host, ref: ref.slice(slash + 1) } : { ref };
}

/** The hosts holding the container a ref names, as each daemon resolves it (name, id, id prefix). */
export function hostsMatching(ref: string, views: ContainerView[]): string[] {
  const name = ref.replace(/^\//, '');
  const matches = views.filter((v) => v.config.name === name || v.id === ref || (/^[a-f0-9]+$/.test(ref) && v.id.startsWith(ref)));
  return [...new Set(matches.map((v) => v.host))].sort();
}

/** The one host a container ref names; an error when none or several do. */
export function hostOfContainer(ref: string, views: ContainerView[]): string {
  const hosts = hostsMatching(ref, views);
  if (hosts.length === 0) throw new NotFoundError(`No such container: ${ref}`);
  if (hosts.length > 1) throw new ValidationError(`${ref} names containers on hosts ${hosts.join(', ')}; use HOST/${ref}`);
  return hosts[0];
}
