/**
 * What both clients share: one request to one host's daemon over NATS, its reply checked
 * against the op's schema, and the cluster's hosts read from JetStream's replicated state.
 */
import { randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import { check, decode, packRequest } from '../events/codec.js';
import { BerthError, errorFromWire } from '../events/errors.js';
import { readHostStatuses, type HostStatus } from '../actors/hostStatus.js';
import { Reply, requestEnvelopeOf, Results, type Op, type Request, type RequestEnvelope, type Result } from '../events/requests.js';
import { commandSubject } from '../events/subjects.js';
import type { Layout } from '../runtime/layout.js';
import type { LocalDaemon } from './engineClient.js';
import { untilAnswered } from '../nats/server/untilAnswered.js';
import { requestSurvivingRestart, SURVIVAL_TIMING, type Liveness } from './survivingRequest.js';
import { pingDaemon } from './daemonPing.js';

/** How long a read of the cluster's replicated state is tried again while JetStream settles. */
export const READ_RETRY_MS = 20_000;
/** How long a request waits for its answer unless told otherwise. */
export const REQUEST_TIMEOUT_MS = 120_000;

export abstract class Bus {
  /** `local`: the daemon this client runs in, whose host's requests are answered in process. */
  constructor(readonly nc: NatsConnection, readonly layout: Layout, protected readonly local?: LocalDaemon) {}

  /**
   * Every host of the cluster with its state and capacity (events/clusterState.ts), read
   * again while JetStream elects new leaders after a node was lost (up to READ_RETRY_MS).
   */
  async hosts(): Promise<HostStatus[]> {
    // Loaded when first asked: the reader brings the JetStream and KV clients, which a command
    // to one host (most commands) never uses, and whose modules it would otherwise evaluate.
    const { NatsClusterState } = await import('../nats/store/clusterState.js');
    return untilAnswered('reading the cluster\'s hosts', () => readHostStatuses(new NatsClusterState(this.nc)), READ_RETRY_MS);
  }

  /** One request to one host. */
  async send<O extends Op>(host: string, request: Extract<Request, { op: O }>, timeoutMs = REQUEST_TIMEOUT_MS): Promise<Result<O>> {
    const id = randomUUID();
    let reply = this.local?.host === host ? await this.inProcess(host, { id, request }, timeoutMs) : await this.exchange(host, { id, request }, timeoutMs);
    if (reply.ok === 'chunked') reply = await this.fetchParts(host, id, reply, timeoutMs);
    if (reply.ok === false) throw errorFromWire(reply.error);
    if (reply.ok !== true) throw new BerthError(`the daemon of host ${host} split a large reply's parts again`);
    return check(Results[request.op], reply.result, `reply to ${request.op}`) as Result<O>;
  }

  private async exchange(host: string, envelope: RequestEnvelope, timeoutMs: number): Promise<Reply> {
    const kind = envelope.request.op.split('.')[0] as 'system' | 'container' | 'image';
    const answer = await requestSurvivingRestart(this.nc, {
      subject: commandSubject(host, kind),
      // Checked by the daemon, which decodes every request with its schema (events/codec.ts).
      data: packRequest(envelope),
      probe: () => this.probe(host, envelope.id),
      daemon: `the daemon of host ${host}`,
    }, { ...SURVIVAL_TIMING, timeoutMs });
    return decode(Reply, answer.data);
  }

  /**
   * The request handed to the daemon this client runs in: checked as encoding it checks it (so
   * the handler sees the same defaults), answered by its door, within the same time limit.
   */
  private async inProcess(host: string, envelope: RequestEnvelope, timeoutMs: number): Promise<Reply> {
    const checked = check(requestEnvelopeOf(envelope.request.op), envelope, 'encode');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new BerthError(`no answer from the daemon of host ${host} (timeout after ${Math.round(timeoutMs / 1000)} s)`)), timeoutMs);
      timer.unref();
    });
    try {
      return await Promise.race([this.local!.answer(checked), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Pings a host's daemon about the request `holds`: answered by a daemon that holds it (or
   * cannot tell), answered by one that does not, no subscriber (gone), or no answer within a second.
   */
  private async probe(host: string, holds: string): Promise<Liveness> {
    const ping = await pingDaemon(this.nc, host, { holds, timeoutMs: SURVIVAL_TIMING.probeMs });
    if (ping.state !== 'answered') return ping.state;
    return ping.holds === false ? 'forgot' : 'alive';
  }

  /** A reply larger than one message: its parts fetched one by one (actors/replyParts.ts), joined and decoded. */
  private async fetchParts(host: string, of: string, chunked: Extract<Reply, { ok: 'chunked' }>, timeoutMs: number): Promise<Reply> {
    const joined = new Uint8Array(chunked.bytes);
    let at = 0;
    for (let part = 0; part < chunked.parts; part++) {
      const reply = await this.exchange(host, { id: randomUUID(), request: { op: 'system.reply_part', of, part } }, timeoutMs);
      if (reply.ok === false) throw errorFromWire(reply.error);
      if (reply.ok !== true) throw new BerthError(`the daemon of host ${host} split a part of a large reply again`);
      const data = check(Results['system.reply_part'], reply.result, 'a part of a large reply');
      if (at + data.length > joined.length) throw new BerthError(`the parts of a large reply from host ${host} are longer than announced`);
      joined.set(data, at);
      at += data.length;
    }
    if (at !== joined.length) throw new BerthError(`the parts of a large reply from host ${host} are shorter than announced`);
    return decode(Reply, joined);
  }

  close(): Promise<void> {
    return this.nc.close();
  }
}
