/** Raw request/reply against an engine's daemon over its own nats-server, for the fuzz, load and chaos suites. */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import type { NatsConnection } from '@nats-io/transport-node';
import { decode, encode } from '../../events/codec.js';
import { Reply, RequestEnvelope, type Request } from '../../events/requests.js';
import { commandSubject } from '../../events/subjects.js';
import { layoutFrom } from '../../runtime/layout.js';
import { embeddedTarget, readNatsInfo } from '../../nats/server/embedded.js';
import { connectNats } from '../../nats/server/connect.js';
import type { Engine } from './engine.js';

export async function connectEngine(engine: Engine, name = 'berth-test'): Promise<NatsConnection> {
  const info = await readNatsInfo(layoutFrom({ root: engine.root, runRoot: engine.runRoot }));
  if (!info) throw new Error('the engine has no nats-server');
  return connectNats(embeddedTarget(info), name, { reconnect: false });
}

export type Outcome = { kind: 'reply'; reply: Reply } | { kind: 'no-answer'; message: string };

/** Sends one request; the outcome is the decoded reply, or no answer within the timeout. */
export async function send(nc: NatsConnection, host: string, request: Request, timeoutMs = 30_000): Promise<Outcome> {
  const kind = request.op.split('.')[0] as 'system' | 'container' | 'image' | 'volume';
  return sendRaw(nc, commandSubject(host, kind), encode(RequestEnvelope, { id: randomUUID(), request }), timeoutMs);
}

export async function sendRaw(nc: NatsConnection, subject: string, bytes: Uint8Array, timeoutMs = 30_000): Promise<Outcome> {
  let data: Uint8Array;
  try {
    data = (await nc.request(subject, bytes, { timeout: timeoutMs })).data;
  } catch (error) {
    return { kind: 'no-answer', message: (error as Error).message };
  }
  return { kind: 'reply', reply: decode(Reply, data) };
}

/** Resident set size of a process in bytes (0 when it is gone). */
export async function rssOf(pid: number): Promise<number> {
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
  return kb ? Number(kb) * 1024 : 0;
}
