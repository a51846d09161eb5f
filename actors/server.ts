/**
 * The host's door on the bus: it takes requests on berth.cmd.<host>.*, validates them, hands them
 * to the RequestHandler and replies with the result or a classified error. A resent request
 * (same id) gets the first answer again and has no second effect.
 */
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { decode, encode } from '../events/codec.js';
import { NatsClusterState } from '../nats/store/clusterState.js';
import { readHostStatuses } from './hostStatus.js';
import { BerthError, errorToWire } from '../events/errors.js';
import { OutputChunk, Progress, Reply, RequestEnvelope } from '../events/requests.js';
import type { Host } from './host.js';
import type { NodeRecord } from './node.js';
import { RequestHandler } from './requests.js';
import { untilAnswered } from '../nats/server/untilAnswered.js';

const REMEMBERED = 1000;
/** How long a read of the cluster's hosts (for placement) is tried again while JetStream settles. */
const HOSTS_READ_MS = 20_000;

/** What is told of each request handled (the metrics' container actions). */
export interface RequestObserver {
  handled(op: string, seconds: number): void;
}

export function serveRequests(nc: NatsConnection, host: Host, node: NodeRecord, observer?: RequestObserver | null): Subscription {
  const handler = new RequestHandler(host, node, () => untilAnswered('reading the cluster\'s hosts', () => readHostStatuses(new NatsClusterState(nc)), HOSTS_READ_MS));
  const recent = new Map<string, Promise<Reply>>();
  const answer = async (data: Uint8Array): Promise<Reply> => {
    let envelope: RequestEnvelope;
    try {
      envelope = decode(RequestEnvelope, data);
    } catch (error) {
      return { ok: false, error: errorToWire(error) };
    }
    // A fenced host serves nothing until it has stopped its duplicates and cleared its fence.
    if (host.fence) {
      const { by } = host.fence.record;
      return { ok: false, error: errorToWire(new BerthError(`host ${host.id} is fenced (by ${by} at seq ${host.fence.revision}); it serves again once its rescheduled duplicates are stopped`)) };
    }
    const known = recent.get(envelope.id);
    if (known) return known;
    // Through a promise, so that a handler that throws before its first await still answers.
    const started = performance.now();
    const reply = Promise.resolve()
      .then(() => handler.handle(envelope.request, {
        id: envelope.id,
        publish: (subject, chunk) => nc.publish(subject, encode(OutputChunk, chunk)),
        publishProgress: (subject, update) => nc.publish(subject, encode(Progress, update)),
      }))
      .then((result): Reply => ({ ok: true, result }), (error: unknown): Reply => ({ ok: false, error: errorToWire(error) }))
      .finally(() => observer?.handled(envelope.request.op, (performance.now() - started) / 1000));
    recent.set(envelope.id, reply);
    if (recent.size > REMEMBERED) recent.delete(recent.keys().next().value!);
    return reply;
  };
  return nc.subscribe(`berth.cmd.${host.id}.*`, {
    queue: `berthd.${host.id}`,
    callback: (error, msg) => {
      if (error) return;
      void answer(msg.data).then((reply) => msg.respond(encode(Reply, reply)));
    },
  });
}
