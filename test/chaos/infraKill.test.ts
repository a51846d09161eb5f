/**
 * Chaos, short form, for the infrastructure under the daemon: while containers are run, stopped
 * and removed, the harness SIGKILLs (by pid) either a container's shim or the nats-server. A
 * killed nats-server is brought back by the daemon itself, on the same JetStream store
 * (runtime/nats/supervisor.ts). After every round the log must match the
 * kernel (a container recorded running has its process; any other has an empty cgroup; no
 * container dir without a record), and at the end, after rm -f of everything, no cgroup, mount,
 * dir, container process or shim is left, and no event is duplicated. BERTH_CHAOS_ROUNDS
 * (default 3) and BERTH_CHAOS_SEED replay a run; the seed is printed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { JetStreamEventStore } from '../../nats/store/jetStream.js';
import { eventFilter } from '../../events/subjects.js';
import { connectEngine } from '../helpers/bus.js';
import { alive, cgroupDirsOf, mountsMentioning, startEngine, until } from '../helpers/engine.js';
import { cgroupHasProcesses, containers, settle } from '../helpers/chaos.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';

gateFile(requiresEngine());

const rounds = Number(process.env.BERTH_CHAOS_ROUNDS ?? 3);
const seed = Number(process.env.BERTH_CHAOS_SEED ?? 4242);
t.comment(`infra chaos seed ${seed} (BERTH_CHAOS_SEED=${seed} replays it), ${rounds} rounds`);
let x = seed;
const random = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

const engine = await startEngine(t);
const CLI = new URL('../../cli/main.cjs', import.meta.url).pathname;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const launched: ChildProcess[] = [];
t.teardown(() => { for (const c of launched) if (c.pid && alive(c.pid)) c.kill('SIGKILL'); });

function launch(args: string[]): ChildProcess {
  const child = spawn(process.execPath, [CLI, ...args], { env: engine.env, stdio: 'ignore' });
  launched.push(child);
  return child;
}
const exited = (child: ChildProcess, ms: number) => new Promise<void>((resolve) => {
  if (child.exitCode !== null || child.signalCode !== null) return resolve();
  const timer = setTimeout(() => { if (child.pid && alive(child.pid)) child.kill('SIGKILL'); resolve(); }, ms);
  child.once('exit', () => { clearTimeout(timer); resolve(); });
});

async function parentOf(pid: number): Promise<number> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] ?? 0);
}

t.test(`${rounds} rounds of SIGKILL of a shim or the nats-server`, async (t) => {
  const processes = new Set<number>(); // every container init and shim seen: none may survive the end
  const kills = { shim: 0, nats: 0 };
  const stuck: string[] = [];
  let names = 0;
  for (let round = 0; round < rounds; round++) {
    const existing = await containers(engine);
    const inFlight: ChildProcess[] = [];
    for (let i = 0, n = 1 + Math.floor(random() * 3); i < n; i++) {
      const choice = random();
      const target = existing[Math.floor(random() * existing.length)];
      if (choice < 0.55 || !target) inFlight.push(launch(['run', '-d', '--name', `i${names++}`, 'busybox', 'sleep', '1000']));
      else if (choice < 0.7) inFlight.push(launch(['stop', '-t', '1', target.id]));
      else if (choice < 0.85) inFlight.push(launch(['rm', '-f', target.id]));
      else inFlight.push(launch(['run', '--rm', 'busybox', 'true']));
    }
    // Round 0 kills a shim and round 1 the nats-server, so even the short form does both; then at random.
    const draw = random();
    // BERTH_CHAOS_NATS=0 leaves the nats-server alone (shims only).
    const natsToo = process.env.BERTH_CHAOS_NATS !== '0';
    const victim = !natsToo || round === 0 ? 'shim' : round === 1 ? 'nats' : draw < 0.6 ? 'shim' : 'nats';
    const record = async () => {
      const running = (await containers(engine).catch(() => [])).filter((c) => c.status === 'running' && c.pid > 0);
      for (const c of running) { processes.add(c.pid); const shim = await parentOf(c.pid); if (shim > 1) processes.add(shim); }
      return running;
    };
    if (victim === 'shim') {
      // Let the runs come up, then kill a shim, sometimes while its container is being stopped.
      for (const child of inFlight) await exited(child, 60_000);
      const running = await record();
      const c = running[Math.floor(random() * running.length)];
      if (c) {
        const shim = await parentOf(c.pid);
        const stopping = random() < 0.5 ? launch(['stop', '-t', '1', c.id]) : null;
        // Not synchronisation: the subject. A random, seeded moment to strike at.
        await sleep(Math.floor(random() * 300));
        t.comment(`round ${round}: SIGKILL shim ${shim} of ${c.id.slice(0, 12)}${stopping ? ' during a stop' : ''}`);
        if (shim > 1) { try { process.kill(shim, 'SIGKILL'); kills.shim++; } catch { /* already gone */ } }
        if (stopping) await exited(stopping, 5_000); // a stop of a container whose shim died never completes (see below)
      }
    } else {
      // Not synchronisation: the subject. A random, seeded moment to strike at.
      await sleep(Math.floor(random() * 600));
      await record();
      const nats = await engine.natsPid();
      t.comment(`round ${round}: SIGKILL nats-server ${nats}`);
      if (nats) { try { process.kill(nats, 'SIGKILL'); kills.nats++; } catch { /* gone */ } }
      for (const child of inFlight) await exited(child, 15_000);
      // The daemon brings the dead server back itself: same store, same address.
      await until('the nats-server started again by the daemon', async () => {
        const now = await engine.natsPid();
        return now !== null && now !== nats && alive(now);
      }, 60_000);
    }
    const state = await settle(engine);
    for (const c of state) {
      if (c.status === 'running') {
        if (!(c.pid > 0 && alive(c.pid))) t.fail(`round ${round}: ${c.id.slice(0, 12)} is recorded running but its process is gone`);
      } else if (['starting', 'stopping', 'removing'].includes(c.status)) {
        stuck.push(`round ${round}: ${c.id.slice(0, 12)} stuck ${c.status}`);
      } else if (await cgroupHasProcesses(c.id)) {
        t.fail(`round ${round}: ${c.id.slice(0, 12)} is recorded ${c.status} but processes remain in its cgroup`);
      }
    }
    const dirs = await fs.readdir(path.join(engine.root, 'containers')).catch(() => [] as string[]);
    const known = new Set(state.map((c) => c.id));
    for (const dir of dirs) if (!known.has(dir)) t.fail(`round ${round}: ${dir.slice(0, 12)} has a directory but no record`);
  }
  t.comment(`kills: ${kills.shim} shims, ${kills.nats} nats-servers`);
  // Known bug: once its shim is SIGKILLed nobody writes the container's exit file, so a stop kills
  // the init but the record stays `stopping` (and the stop request never answers) until rm -f.
  t.same(stuck, [], 'no container is left half-way through a transition (a killed shim is noticed by the watch)');

  const events = (await engine.ok(['events', '--since', '0', '--until', '0s', '--format', 'json'])).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  t.equal(new Set(events.map((e) => e.seq)).size, events.length, 'no event is duplicated');
  const nc = await connectEngine(engine, 'chaos-check');
  const ids: string[] = [];
  for await (const stored of new JetStreamEventStore(nc).read(eventFilter('testhost'))) ids.push(stored.event.id);
  await nc.close();
  t.equal(new Set(ids).size, ids.length, `no event id is in the log twice (${ids.length} events)`);

  const all = await containers(engine);
  if (all.length) await engine.ok(['rm', '-f', ...all.map((c) => c.id)]);
  t.same(await containers(engine), [], 'everything removed');
  for (const c of all) t.same(await cgroupDirsOf(c.id), [], `no cgroup left for ${c.id.slice(0, 12)}`);
  t.same(await mountsMentioning(engine.dir), [], 'no mount left');
  t.same(await fs.readdir(path.join(engine.root, 'containers')).catch(() => []), [], 'no container directory left');
  // A shim exits a moment after its container: wait for that, then check.
  await until('the shims to exit', async () => [...processes].filter(alive).length === 0, 30_000).catch(() => {});
  t.same([...processes].filter(alive), [], 'no container process or shim is left');
});
