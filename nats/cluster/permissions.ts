/**
 * Who may do what on a berth cluster's NATS: the subject permissions of each principal.
 * Pure: the config writer turns them into nats-server's `permissions` blocks.
 *
 * - A host publishes only its own events (its claims on the cluster's overlays among them), output, heartbeat and snapshot keys, any fence key, and the
 *   JetStream API calls that read (stream info, message gets, consumers); it subscribes only to its
 *   own commands and its own inbox prefix (`_INBOX_<host>`), so it can neither command nor overhear
 *   another host. It administers nothing: no stream or bucket is created, updated, deleted or
 *   purged with a host's credentials (JetStream grants are per stream, not per subject, so a purge
 *   grant would let a host purge every host's history). Its snapshot keys it forgets itself: a KV
 *   purge is a publish with a roll-up header on its own key.
 * - The operator (`berth-cluster setup`, or a daemon started with its creds) creates the stream and
 *   the buckets and purges; its creds are an administrator's and stay off the hosts.
 * - A CLI user sends commands to any host and reads events, output and heartbeats.
 * Replies to requests are allowed by `allow_responses`, never by a broad publish grant.
 */
import { CLUSTER_SCOPE, EVENTS_STREAM, FENCE_BUCKET, HEARTBEAT_BUCKET, SNAPSHOT_BUCKET, hostInboxPrefix } from '../../events/subjects.js';

export interface Permissions {
  publish: string[];
  subscribe: string[];
  /** Whether the principal may answer the requests it receives. */
  allowResponses: boolean;
}

/** The JetStream API calls that read these streams (info, message gets, consumers), and nothing that administers them. */
function jetStreamReads(streams: string[]): string[] {
  return [
    '$JS.API.INFO',
    ...streams.flatMap((stream) => [
      `$JS.API.STREAM.INFO.${stream}`,
      `$JS.API.STREAM.MSG.GET.${stream}`,
      `$JS.API.DIRECT.GET.${stream}`,
      `$JS.API.DIRECT.GET.${stream}.>`,
      `$JS.API.CONSUMER.CREATE.${stream}`,
      `$JS.API.CONSUMER.CREATE.${stream}.>`,
      `$JS.API.CONSUMER.INFO.${stream}.>`,
      `$JS.API.CONSUMER.DELETE.${stream}.>`,
      `$JS.API.CONSUMER.MSG.NEXT.${stream}.>`,
    ]),
    '$JS.FC.>',
    '$JS.ACK.>',
  ];
}

export function hostPermissions(host: string): Permissions {
  return {
    publish: [
      `berth.evt.${host}.>`,
      // The cluster's overlay networks: any host creates or removes one (on its record subject,
      // conditional on its last sequence), and leases addresses on its own claim subject only
      // (events/subjects.ts; the fold, actors/network/clusterFold.ts, takes a claim's host from it).
      `berth.evt.${CLUSTER_SCOPE}.network.*`,
      `berth.evt.${CLUSTER_SCOPE}.network.*.${host}`,
      `berth.out.${host}.>`,
      `$KV.${HEARTBEAT_BUCKET}.${host}`,
      `$KV.${SNAPSHOT_BUCKET}.${host}.>`,
      // Any host's fence key: a live host fences a lost one, and a host clears its own
      // (each write with optimistic concurrency: nats/store/kvFences.ts).
      `$KV.${FENCE_BUCKET}.*`,
      // Reads only: a host adopts the stream and buckets.
      ...jetStreamReads([EVENTS_STREAM, `KV_${SNAPSHOT_BUCKET}`, `KV_${HEARTBEAT_BUCKET}`, `KV_${FENCE_BUCKET}`]),
    ],
    subscribe: [`berth.cmd.${host}.>`, `${hostInboxPrefix(host)}.>`],
    allowResponses: true,
  };
}

export function cliPermissions(): Permissions {
  return {
    publish: ['berth.cmd.>', ...jetStreamReads([EVENTS_STREAM, `KV_${HEARTBEAT_BUCKET}`, `KV_${FENCE_BUCKET}`])],
    subscribe: ['_INBOX.>', 'berth.out.>', 'berth.evt.>'],
    allowResponses: false,
  };
}

/** The cluster's administrator: everything, the stream and buckets' creation and purges included. */
export function operatorPermissions(): Permissions {
  return { publish: ['>'], subscribe: ['>'], allowResponses: true };
}
