/**
 * Which engine a daemon's Docker API socket serves, and over which NATS connection. Pure.
 *
 * A host's credentials may command no other host (nats/cluster/permissions.ts): one host's root
 * must not become the cluster's. So in a cluster the socket serves the whole cluster, routed as
 * the CLI without --host routes, only over credentials that may command every host:
 * - the daemon's own connection when the NATS gives principals no permissions of their own
 *   (no creds file: a token, or no authentication);
 * - a second connection with a CLI user's creds (`docker-api-creds`), which the operator chose
 *   to put on this host, as they would the CLI's.
 * A daemon with a host's creds and no such file serves its own host only, and says so at start.
 */
import { ValidationError } from '../events/errors.js';

export type DockerApiScope =
  /** This daemon's host, over its own connection. `why`: said once at start, in a cluster. */
  | { kind: 'host'; why?: string }
  /** The whole cluster, over the daemon's own connection. */
  | { kind: 'cluster'; connection: 'daemon' }
  /** The whole cluster, over a connection of its own with these creds. */
  | { kind: 'cluster'; connection: 'own'; credsFile: string };

export interface ScopeInput {
  /** Whether the daemon is on an external NATS (a cluster) rather than its embedded one. */
  cluster: boolean;
  /** The daemon's own creds file (a host's, as berth-cluster writes them); absent: none. */
  daemonCreds?: string;
  /** The `docker-api-creds` setting. */
  apiCreds?: string;
}

export function dockerApiScope(input: ScopeInput): DockerApiScope {
  if (!input.cluster) {
    if (input.apiCreds) throw new ValidationError('docker-api-creds is for a daemon on a cluster\'s NATS (--nats); the embedded one serves this host alone');
    return { kind: 'host' };
  }
  if (input.apiCreds) return { kind: 'cluster', connection: 'own', credsFile: input.apiCreds };
  if (!input.daemonCreds) return { kind: 'cluster', connection: 'daemon' };
  return {
    kind: 'host',
    why: 'the Docker API socket serves this host only: a host\'s credentials may command no other host; give docker-api-creds (a CLI user\'s, berth-cluster init --user) to serve the whole cluster',
  };
}
