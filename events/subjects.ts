/** Every NATS subject, stream and bucket name berth uses, and nothing else. */
import type { Kind } from './envelope.js';

/** The JetStream stream that holds every event of every host. */
export const EVENTS_STREAM = 'BERTH_EVENTS';
/** The KV bucket of entity snapshots and host checkpoints. */
export const SNAPSHOT_BUCKET = 'berth_snapshots';

/** The KV bucket of host heartbeats: key <host>, one value each, expiring after HOST_LOST_MS. */
export const HEARTBEAT_BUCKET = 'berth_heartbeats';
/** The KV bucket of fence records: key <host>, its last fencing (events/fence.ts). */
export const FENCE_BUCKET = 'berth_fences';
/** How often a daemon writes its heartbeat. */
export const HEARTBEAT_INTERVAL_MS = 2000;
/**
 * The lost rule's threshold: the heartbeat bucket's max age. JetStream (the bucket's
 * stream leader, replicated) expires a heartbeat this long after it was stored, so a host
 * whose heartbeat is gone from the bucket is lost for every observer alike.
 */
export const HOST_LOST_MS = 6000;

/** The subjects the events stream captures. */
export const EVENTS_SUBJECTS = 'berth.evt.>';

/** Where one entity's events live: berth.evt.<host>.<kind>.<entity>. */
export function eventSubject(host: string, kind: Kind, entity: string): string {
  return `berth.evt.${host}.${kind}.${entity}`;
}

/** A filter over the events of one host (or every host with '*'), optionally one kind. */
export function eventFilter(host = '*', kind?: Kind): string {
  return kind ? `berth.evt.${host}.${kind}.*` : host === '*' ? EVENTS_SUBJECTS : `berth.evt.${host}.>`;
}

/** Where a host receives the commands of one kind (container, image, system). */
export function commandSubject(host: string, kind: Kind | 'system'): string {
  return `berth.cmd.${host}.${kind}`;
}

/** Where a running container's output is streamed live: berth.out.<host>.<container>. */
export function outputSubject(host: string, container: string): string {
  return `berth.out.${host}.${container}`;
}

/**
 * Where a `logs` request's lines go: berth.out.<host>.logs.<request>. Under the host's output
 * subjects, so a host's credentials may publish there and a CLI's may read.
 */
export function logsSubject(host: string, request: string): string {
  return `berth.out.${host}.logs.${request}`;
}

/** Where an exec's output is streamed live: berth.out.<host>.<container>.exec.<exec id>. */
export function execOutputSubject(host: string, container: string, execId: string): string {
  return `berth.out.${host}.${container}.exec.${execId}`;
}

/** The one subject of a host's own node events (drain, activate): berth.evt.<host>.node.<host>. */
export function nodeSubject(host: string): string {
  return eventSubject(host, 'node', host);
}

/**
 * A host's inbox prefix. A daemon connects with it, so its credentials subscribe only to its
 * own inboxes (`_INBOX_<host>.>`) and never overhear another principal's replies.
 */
export function hostInboxPrefix(host: string): string {
  return `_INBOX_${host}`;
}

/**
 * The scope of what belongs to the whole cluster rather than one host: overlay networks. The
 * daemon refuses it as a host id. A cluster network has two kinds of subject:
 * - its record, berth.evt._cluster.network.<network>: its creation and removal, which any host
 *   writes with the subject's expected last sequence;
 * - one claim subject per host, berth.evt._cluster.network.<network>.<host>: that host's leases
 *   (connect, disconnect), which only that host's credentials may publish
 *   (nats/cluster/permissions.ts). Every daemon folds both in the stream's order
 *   (actors/network/clusterFold.ts): the first claim of an address wins.
 */
export const CLUSTER_SCOPE = '_cluster';

/** Every cluster network's events: records and claims. */
export function clusterNetworkFilter(): string {
  return `berth.evt.${CLUSTER_SCOPE}.network.>`;
}

/** The entity id under which `host` appends its claims on a cluster network (its subject's last two tokens). */
export function clusterClaimEntity(network: string, host: string): string {
  return `${network}.${host}`;
}

/** What a cluster network subject names: the network, and the claiming host (null on the record subject). */
export function parseClusterSubject(subject: string): { network: string; claimant: string | null } | null {
  const tokens = subject.split('.');
  if (tokens.length < 5 || tokens.length > 6 || tokens[2] !== CLUSTER_SCOPE || tokens[3] !== 'network') return null;
  return { network: tokens[4], claimant: tokens[5] ?? null };
}

/** Host ids and entity ids become subject tokens: only these characters are allowed. */
export const SUBJECT_TOKEN = /^[A-Za-z0-9_-]+$/;
