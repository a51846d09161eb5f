/**
 * What both clients share: one request to one host's daemon over NATS, its reply checked
 * against the op's schema, and the cluster's hosts read from JetStream's replicated state.
 */
import { randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import { check, decode, encode } from '../events/codec.js';
import { BerthError, errorFromWire } from '../events/errors.js';
import { readHostStatuses, type HostStatus } from '../actors/hostStatus.js';
import { NatsClusterState } from '../nats/store/clusterState.js';
import { Reply, RequestEnvelope, Results, type Op, type Request, type Result } from '../events/requests.js';
import { commandSubject } from '../events/subjects.js';
import type { Layout } from '../runtime/layout.js';
import { untilAnswered } from '../nats/server/untilAnswered.js';

/** How long a read of the cluster's replicated state is tried again while JetStream settles. */
export const READ_RETRY_MS = 20_000;
/** How long a request waits for its answer unless told otherwise. */
export const REQUEST_TIMEOUT_MS = 120_000;

export abstract class Bus {
  constructor(readonly nc: NatsConnection, readonly layout: Layout) {}

  /**
   * Every host of the cluster with its state and capacity (events/clusterState.ts), read
   * again while JetStream elects new leaders after a node was lost (up to READ_RETRY_MS).
   */
  hosts(): Promise<HostStatus[]> {
    return untilAnswered('reading the cluster\'s hosts', () => readHostStatuses(new NatsClusterState(this.nc)), READ_RETRY_MS);
  }

  /** One request to one host. */
  async send<O extends Op>(host: string, request: Extract<Request, { op: O }>, timeoutMs = REQUEST_TIMEOUT_MS): Promise<Result<O>> {
    const kind = request.op.split('.')[0] as 'system' | 'container' | 'image';
    const envelope: RequestEnvelope = { id: randomUUID(), request };
    let answer;
    try {
      answer = await this.nc.request(commandSubject(host, kind), encode(RequestEnvelope, envelope), { timeout: timeoutMs });
    } catch (error) {
      throw new BerthError(`no answer from the daemon of host ${host} (${(error as Error).message})`, { cause: error });
    }
    const reply = decode(Reply, answer.data);
    if (!reply.ok) throw errorFromWire(reply.error);
    return check(Results[request.op], reply.result, `reply to ${request.op}`) as Result<O>;
  }

  close(): Promise<void> {
    return this.nc.close();
  }
}
