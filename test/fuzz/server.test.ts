/**
 * The request server (actors/server.ts) over a real nats-server and a real daemon, fed random
 * bytes and mutated valid request envelopes on every command subject: it never crashes, and
 * every message gets a reply that decodes; random bytes are refused with ValidationError.
 * Mutations are built from read-only requests, so a mutation that stays valid does no harm.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Packr } from 'msgpackr';
import t from 'tap';
import { commandSubject } from '../../events/subjects.js';
import { alive, startEngine } from '../helpers/engine.js';
import { connectEngine, send, sendRaw } from '../helpers/bus.js';
import { check } from '../helpers/fuzz.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';

gateFile(requiresEngine());

const HOST = 'testhost';
const engine = await startEngine(t);
const daemonPid = (await engine.daemonInfo())!.pid;
const nc = await connectEngine(engine, 'fuzz');
t.teardown(() => nc.close());
const raw = new Packr({ useRecords: false, moreTypes: false });
const kinds = ['system', 'container', 'image', 'volume'] as const;
const subject = fc.constantFrom(...kinds).map((k) => commandSubject(HOST, k));

let answered = 0;
async function mustAnswer(subjectName: string, bytes: Uint8Array, expectRefusal: boolean): Promise<void> {
  const outcome = await sendRaw(nc, subjectName, bytes, 30_000);
  if (outcome.kind === 'no-answer') throw new Error(`no answer on ${subjectName}: ${outcome.message}`);
  answered++;
  if (expectRefusal && (outcome.reply.ok || outcome.reply.error.name !== 'ValidationError')) {
    throw new Error(`random bytes were not refused with ValidationError: ${JSON.stringify(outcome.reply)}`);
  }
}

t.test('random bytes on every command subject: a ValidationError reply each time', (t) =>
  check(t, 'server random bytes', 300, fc.asyncProperty(subject, fc.uint8Array({ maxLength: 512 }), async (s, bytes) => {
    // A byte string that happens to be a valid envelope is vanishingly unlikely; treat it as allowed.
    await mustAnswer(s, bytes, bytes.length === 0 || bytes[0]! < 0x80 || bytes[0]! > 0x8f);
  })));

const readOnly = [
  { op: 'system.ping' }, { op: 'container.list', all: true }, { op: 'container.inspect', ref: 'nothing' },
  { op: 'image.list' }, { op: 'image.inspect', ref: 'busybox' }, { op: 'volume.list' }, { op: 'volume.inspect', name: 'nothing' },
  { op: 'container.top', ref: 'nothing' }, { op: 'container.stats', refs: ['nothing'] },
];
const scalar = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant([]), fc.constant({}), fc.constant('container.remove'), fc.constant('system.prune'));

t.test('mutated valid envelopes: always a reply, the daemon stays up', (t) =>
  check(t, 'server mutations', 300, fc.asyncProperty(
    subject, fc.constantFrom(...readOnly), fc.constantFrom('id', 'request', 'op', 'ref', 'all', 'refs', 'name', 'extra'), fc.constantFrom('replace', 'delete'), scalar,
    fc.constantFrom('none', 'cut', 'flip', 'extend'), fc.nat(), fc.integer({ min: 0, max: 255 }),
    async (s, request, field, op, value, byteOp, at, byte) => {
      const envelope: any = { id: randomUUID(), request: { ...request } };
      const target = field === 'id' || field === 'request' ? envelope : envelope.request;
      if (op === 'delete') delete target[field];
      else if (!(field === 'op' && typeof value === 'string' && value !== request.op)) target[field] = value; // never turn it into a real write
      let bytes = Uint8Array.from(raw.pack(envelope));
      const i = at % bytes.length;
      if (byteOp === 'cut') bytes = bytes.subarray(0, i);
      else if (byteOp === 'flip') bytes[i] = byte;
      else if (byteOp === 'extend') bytes = Uint8Array.from([...bytes, byte, byte]);
      await mustAnswer(s, bytes, false);
    })));

t.test('after the fuzz the daemon is alive and answers', async (t) => {
  t.ok(alive(daemonPid), 'the daemon process is alive');
  const ping = await send(nc, HOST, { op: 'system.ping' }, 10_000);
  t.ok(ping.kind === 'reply' && ping.reply.ok, 'ping answers');
  t.comment(`${answered} fuzzed requests answered`);
});
