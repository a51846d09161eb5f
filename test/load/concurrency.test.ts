/**
 * Load: 200 clients, each on its own NATS connection, issue a bounded mix of commands (ps,
 * inspect, run -d and rm -f, with at most MAX_LIVE containers of the load alive at once) for a
 * bounded time against one real daemon on loopback. Asserted: every request is answered, every
 * ps succeeds, every run -d and rm -f either succeeds or fails with a classified error, the
 * daemon is alive and its RSS at the end is within a generous factor of the start. Latencies
 * (p50, p99, max) are reported, not asserted. BERTH_LOAD_CLIENTS, BERTH_LOAD_SECONDS and
 * BERTH_FUZZ_SEED change the run; the seed of the mix is printed.
 */
import { randomBytes } from 'node:crypto';
import t from 'tap';
import type { Request } from '../../events/requests.js';
import { alive, startEngine } from '../helpers/engine.js';
import { connectEngine, rssOf, send } from '../helpers/bus.js';
import { FUZZ_SEED } from '../helpers/fuzz.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';

gateFile(requiresEngine());

const CLIENTS = Number(process.env.BERTH_LOAD_CLIENTS ?? 200);
const SECONDS = Number(process.env.BERTH_LOAD_SECONDS ?? 20);
const MAX_LIVE = 12;
const HOST = 'testhost';

const engine = await startEngine(t);
const daemonPid = (await engine.daemonInfo())!.pid;
t.comment(`load: ${CLIENTS} clients for ${SECONDS}s, mix seed ${FUZZ_SEED}`);

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

t.test(`${CLIENTS} concurrent clients for ${SECONDS}s`, async (t) => {
  const connections = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => connectEngine(engine, `load-${i}`)));
  t.teardown(() => Promise.all(connections.map((nc) => nc.close().catch(() => {}))));
  // Warm up (JIT, first requests), then take the baseline.
  for (let i = 0; i < 20; i++) await send(connections[0]!, HOST, { op: 'container.list', all: true });
  const rssStart = await rssOf(daemonPid);

  const live = new Set<string>();
  let pendingRuns = 0;
  const latencies: Record<string, number[]> = { ps: [], inspect: [], run: [], rm: [] };
  const failures: string[] = [];
  let unanswered = 0;
  let classified = 0;
  const refusals = new Map<string, number>();
  const deadline = Date.now() + SECONDS * 1000;
  // One deterministic stream of choices per client, from the printed seed.
  const mixes = Array.from({ length: CLIENTS }, (_, i) => {
    let x = (FUZZ_SEED + i * 7919) % 2 ** 31;
    return Array.from({ length: 4096 }, () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  });

  const client = async (index: number) => {
    const nc = connections[index]!;
    const mix = mixes[index]!;
    for (let step = 0; Date.now() < deadline; step++) {
      const r = mix[step % mix.length]!;
      const ids = [...live];
      let name: keyof typeof latencies;
      let request: Request;
      if (r < 0.03 && live.size + pendingRuns < MAX_LIVE) {
        name = 'run';
        pendingRuns++;
        request = { op: 'container.create', start: true, spec: { id: randomBytes(32).toString('hex'), imageRef: 'busybox', cmd: ['sleep', '1000'], env: [], autoRemove: false, labels: { load: '1' } } };
      } else if (r < 0.045 && ids.length) {
        name = 'rm';
        const id = ids[Math.floor(r * 1e6) % ids.length]!;
        live.delete(id);
        request = { op: 'container.remove', ref: id, force: true };
      } else if (r < 0.5) {
        name = 'ps';
        request = { op: 'container.list', all: true };
      } else {
        name = 'inspect';
        request = { op: 'container.inspect', ref: ids.length && r < 0.8 ? ids[Math.floor(r * 1e6) % ids.length]! : 'missing' };
      }
      const started = performance.now();
      const outcome = await send(nc, HOST, request, 60_000);
      latencies[name]!.push(performance.now() - started);
      if (name === 'run') pendingRuns--;
      if (outcome.kind === 'no-answer') { unanswered++; failures.push(`${name}: no answer (${outcome.message})`); continue; }
      const { reply } = outcome;
      if (reply.ok === 'chunked') { failures.push(`${name}: a reply in parts (these are small)`); continue; }
      if (reply.ok) {
        if (name === 'run') live.add((reply.result as { id: string }).id);
      } else if (name === 'ps' || (name === 'run' && reply.error.name !== 'ConflictError')) {
        failures.push(`${name}: ${reply.error.name}: ${reply.error.message}`);
      } else {
        classified++;
        refusals.set(`${name} ${reply.error.name}`, (refusals.get(`${name} ${reply.error.name}`) ?? 0) + 1);
      } // inspect of a missing or just-removed container, rm racing another rm
    }
  };
  await Promise.all(connections.map((_, i) => client(i)));

  const all = Object.values(latencies).flat().sort((a, b) => a - b);
  for (const [name, values] of Object.entries(latencies)) {
    values.sort((a, b) => a - b);
    t.comment(`${name}: ${values.length} requests, p50 ${percentile(values, 50).toFixed(1)} ms, p99 ${percentile(values, 99).toFixed(1)} ms, max ${(values.at(-1) ?? 0).toFixed(1)} ms`);
  }
  t.comment(`all: ${all.length} requests (${(all.length / SECONDS).toFixed(0)}/s), p50 ${percentile(all, 50).toFixed(1)} ms, p99 ${percentile(all, 99).toFixed(1)} ms; ${classified} classified refusals (${[...refusals].map(([k, v]) => `${k}: ${v}`).join(', ')})`);
  t.equal(unanswered, 0, 'every request was answered');
  t.same(failures.slice(0, 10), [], 'no request failed unexpectedly');
  t.ok(alive(daemonPid), 'the daemon is alive');
  const ping = await send(connections[0]!, HOST, { op: 'system.ping' }, 10_000);
  t.ok(ping.kind === 'reply' && ping.reply.ok, 'and answers');

  // Clean up what the load created, then compare memory.
  const left = await send(connections[0]!, HOST, { op: 'container.list', all: true });
  const ids = left.kind === 'reply' && left.reply.ok === true ? (left.reply.result as Array<{ id: string }>).map((c) => c.id) : [];
  await Promise.all(ids.map((id) => send(connections[0]!, HOST, { op: 'container.remove', ref: id, force: true }, 60_000)));
  const rssEnd = await rssOf(daemonPid);
  t.comment(`daemon RSS: ${(rssStart / 2 ** 20).toFixed(1)} MiB at start, ${(rssEnd / 2 ** 20).toFixed(1)} MiB at the end`);
  t.ok(rssEnd < rssStart * 4 + 64 * 2 ** 20, 'the daemon RSS did not grow without bound');
});
