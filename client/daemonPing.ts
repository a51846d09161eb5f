/**
 * One ping of a host's daemon over NATS (`system.ping`), as a client that waits on it uses it:
 * which process answered, whether it holds a given request, or that no daemon is subscribed
 * (gone) or none answered in time (silent).
 */
import { randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import { decode, packRequest } from '../events/codec.js';
import { Reply, type RequestEnvelope } from '../events/requests.js';
import { commandSubject } from '../events/subjects.js';
import { isNoRespondersError } from './survivingRequest.js';

export type PingResult =
  /** A daemon answered: its pid, and whether it holds the request named (absent: none named, an older daemon, or an error reply such as a fenced host's). */
  | { state: 'answered'; pid?: number; holds?: boolean }
  | { state: 'gone' }
  | { state: 'silent' };

export async function pingDaemon(nc: NatsConnection, host: string, opts: { holds?: string; timeoutMs: number }): Promise<PingResult> {
  const ping: RequestEnvelope = { id: randomUUID(), request: { op: 'system.ping', ...(opts.holds ? { holds: opts.holds } : {}) } };
  let reply: Reply;
  try {
    const msg = await nc.request(commandSubject(host, 'system'), packRequest(ping), { timeout: opts.timeoutMs });
    reply = decode(Reply, msg.data);
  } catch (error) {
    return isNoRespondersError(error) ? { state: 'gone' } : { state: 'silent' };
  }
  if (reply.ok !== true) return { state: 'answered' };
  const result = reply.result as { pid?: unknown; holds?: unknown };
  return {
    state: 'answered',
    ...(typeof result.pid === 'number' ? { pid: result.pid } : {}),
    ...(typeof result.holds === 'boolean' ? { holds: result.holds } : {}),
  };
}
