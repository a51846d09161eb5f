/**
 * The host's door on the bus: it takes requests on berth.cmd.<host>.*, validates them, hands them
 * to the RequestHandler and replies with the result or a classified error. A resent request
 * (same id) gets the first answer again and has no second effect.
 */
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { decode, encode } from '../events/codec.js';
import { NatsClusterState } from '../nats/store/clusterState.js';
import { readHostStatuses } from './hostStatus.js';
import { BerthError, errorToWire } from '../events/errors.js';
import { BuildEvent, OutputChunk, Progress, Reply, RequestEnvelope } from '../events/requests.js';
import type { Host } from './host.js';
import type { NodeRecord } from './node.js';
import { RequestHandler } from './requests.js';
import { untilAnswered } from '../nats/server/untilAnswered.js';
import { ReplyParts } from './replyParts.js';
import type { Logger } from '../log/logger.js';

/** Pure: a reply that could not be encoded or sent, as a short error reply. */
function failedReply(what: string, error: unknown): Reply {
  return { ok: false, error: errorToWire(new BerthError(`${what}: ${(error as Error).message}`, { cause: error })) };
}

const REMEMBERED = 1000;
/** Room left in a message for the reply's own envelope and NATS's headers. */
const ENVELOPE_BYTES = 64 * 1024;
/** What a Reply adds around a part's bytes (msgpack map, `ok`, `result`, the bin header): 20-odd bytes, with room. */
const PART_ENVELOPE_BYTES = 1024;
/** How long a read of the cluster's hosts (for placement) is tried again while JetStream settles. */
const HOSTS_READ_MS = 20_000;

/** What is told of each request handled (the metrics' container actions). */
export interface RequestObserver {
  handled(op: string, seconds: number): void;
}

/**
 * The door, open on the bus and to the daemon's own process: the Docker API server it starts
 * hands its requests to `answer` directly (no NATS round trip, no msgpack), with the same fence,
 * remembered answers and metrics as a request from the bus.
 */
export interface RequestDoor {
  subscription: Subscription;
  /** Answers one request as the subscription does; never rejects (a failure is an error reply). */
  answer(envelope: RequestEnvelope): Promise<Reply>;
}

export function serveRequests(nc: NatsConnection, host: Host, node: NodeRecord, observer?: RequestObserver | null, log: Logger = host.log): RequestDoor {
  const handler = new RequestHandler(host, node, () => untilAnswered('reading the cluster\'s hosts', () => readHostStatuses(new NatsClusterState(nc)), HOSTS_READ_MS));
  const recent = new Map<string, Promise<Reply>>();
  /** The ids of the requests being handled now: a ping naming one says whether it is here. */
  const inHand = new Set<string>();
  const large = new ReplyParts();
  const answer = async (envelope: RequestEnvelope | Error): Promise<Reply> => {
    if (envelope instanceof Error) return { ok: false, error: errorToWire(envelope) };
    const { request } = envelope;
    if (request.op === 'system.reply_part') {
      try {
        return { ok: true, result: large.part(request.of, request.part) };
      } catch (error) {
        return { ok: false, error: errorToWire(error) };
      }
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
      .then(() => handler.handle(request, {
        id: envelope.id,
        publish: (subject, chunk) => nc.publish(subject, encode(OutputChunk, chunk)),
        publishProgress: (subject, update) => nc.publish(subject, encode(Progress, update)),
        publishBuild: (subject, event) => nc.publish(subject, encode(BuildEvent, event)),
      }))
      .then((result): Reply => ({ ok: true, result }), (error: unknown): Reply => ({ ok: false, error: errorToWire(error) }))
      .finally(() => observer?.handled(request.op, (performance.now() - started) / 1000));
    // Pings have no effect to remember, and a waiting client sends one a second (client/survivingRequest.ts).
    if (request.op === 'system.ping') {
      const { holds } = request;
      return holds === undefined ? reply : reply.then((answered) => answered.ok === true ? { ...answered, result: { ...answered.result as object, holds: inHand.has(holds) } } : answered);
    }
    inHand.add(envelope.id);
    void reply.finally(() => inHand.delete(envelope.id));
    recent.set(envelope.id, reply);
    if (recent.size > REMEMBERED) recent.delete(recent.keys().next().value!);
    return reply;
  };
  /**
   * Encodes and sends a reply; one larger than a message may be is kept in parts (ReplyParts).
   * Nothing here throws: a reply that cannot be encoded or sent becomes an error reply, and
   * one that cannot be sent either is logged. No reply takes the daemon down.
   */
  const respond = (msg: Msg, id: string | null, reply: Reply): void => {
    let data: Uint8Array;
    try {
      data = encode(Reply, reply);
    } catch (error) {
      data = encode(Reply, failedReply('the reply could not be encoded', error));
    }
    const limit = (nc.info?.max_payload ?? 1024 * 1024) - ENVELOPE_BYTES;
    if (data.length > limit) {
      // A part's own envelope is a few bytes: parts of limit - PART_ENVELOPE_BYTES always fit.
      data = encode(Reply, id ? large.keep(id, data, limit - PART_ENVELOPE_BYTES) : failedReply('the reply is too large', new Error(`${data.length} bytes`)));
    }
    try {
      msg.respond(data);
    } catch (error) {
      try {
        msg.respond(encode(Reply, failedReply('the reply could not be sent', error)));
      } catch (again) {
        log.error('a reply could not be sent', { bytes: data.length, error: again as Error });
      }
    }
  };
  const subscription = nc.subscribe(`berth.cmd.${host.id}.*`, {
    queue: `berthd.${host.id}`,
    callback: (error, msg) => {
      if (error) return;
      let envelope: RequestEnvelope | Error;
      try {
        envelope = decode(RequestEnvelope, msg.data);
      } catch (invalid) {
        envelope = invalid as Error;
      }
      // A part is never split again (its size leaves room for its envelope).
      const id = envelope instanceof Error || envelope.request.op === 'system.reply_part' ? null : envelope.id;
      void answer(envelope)
        .catch((failure: unknown) => failedReply('the request failed', failure))
        .then((reply) => respond(msg, id, reply));
    },
  });
  return { subscription, answer: (envelope) => answer(envelope).catch((failure: unknown) => failedReply('the request failed', failure)) };
}
