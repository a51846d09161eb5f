/**
 * Chaos, short form: the daemon is SIGKILLed at random points while containers are created,
 * started, stopped and removed. After every restart the recorded state must match the kernel,
 * and at the end nothing may have leaked. BERTH_CHAOS_ROUNDS sets the rounds (default 20) and
 * BERTH_CHAOS_SEED replays a run; the seed is printed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { alive, cgroupDirsOf, mountsMentioning, startEngine } from '../helpers/engine.js';
import { cgroupHasProcesses, containers, settle } from '../helpers/chaos.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';

gateFile(requiresEngine());

const rounds = Number(process.env.BERTH_CHAOS_ROUNDS ?? 20);
const seed = Number(process.env.BERTH_CHAOS_SEED ?? Date.now() % 1_000_000);
t.comment(`chaos seed ${seed} (BERTH_CHAOS_SEED=${seed} replays it), ${rounds} rounds`);
let x = seed;
const random = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

const engine = await startEngine(t);
const CLI = new URL('../../cli/main.cjs', import.meta.url).pathname;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A CLI call we can kill along with the daemon. */
function launch(args: string[]): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], { env: engine.env, stdio: 'ignore' });
}


t.test(`${rounds} rounds of SIGKILL during create, start, stop and rm`, async (t) => {
  let names = 0;
  // The targets of a round: what the last round settled to (nothing is in flight between rounds,
  // and nothing here restarts by itself), so each round reads the state once, after its kill.
  let existing = await containers(engine);
  for (let round = 0; round < rounds; round++) {
    const inFlight: ChildProcess[] = [];
    const operations = 1 + Math.floor(random() * 3);
    for (let i = 0; i < operations; i++) {
      const choice = random();
      const target = existing[Math.floor(random() * existing.length)];
      if (choice < 0.5 || !target) inFlight.push(launch(['run', '-d', '--name', `c${names++}`, 'busybox', 'sleep', '1000']));
      else if (choice < 0.7) inFlight.push(launch(['stop', '-t', '0', target.id]));
      else if (choice < 0.85) inFlight.push(launch(['rm', '-f', target.id]));
      else inFlight.push(launch(['run', '--rm', 'busybox', 'true']));
    }
    // Not synchronisation: the subject. A random, seeded moment to strike at.
    await sleep(Math.floor(random() * 400));
    await engine.killDaemon('SIGKILL');
    for (const child of inFlight) if (child.pid && alive(child.pid)) child.kill('SIGKILL');
    await engine.startDaemon();
    const state = await settle(engine);
    for (const c of state) {
      if (c.status === 'running') {
        if (!(c.pid > 0 && alive(c.pid))) t.fail(`round ${round}: ${c.id.slice(0, 12)} is recorded running but its process is gone`);
      } else if (await cgroupHasProcesses(c.id)) {
        t.fail(`round ${round}: ${c.id.slice(0, 12)} is recorded ${c.status} but processes remain in its cgroup`);
      }
    }
    // Anything removed from the record has left no directory behind.
    const dirs = await fs.readdir(path.join(engine.root, 'containers')).catch(() => [] as string[]);
    const known = new Set(state.map((c) => c.id));
    for (const dir of dirs) {
      if (!known.has(dir)) t.fail(`round ${round}: ${dir.slice(0, 12)} has a directory but no record`);
    }
    existing = state;
  }
  t.pass(`${rounds} rounds consistent`);

  const events = (await engine.ok(['events', '--since', '0', '--until', '0s', '--format', 'json'])).trim().split('\n').map((l) => JSON.parse(l));
  t.equal(new Set(events.map((e) => e.seq)).size, events.length, 'no event is duplicated');

  const all = await containers(engine);
  if (all.length) await engine.ok(['rm', '-f', ...all.map((c) => c.id)]);
  t.same(await containers(engine), [], 'everything removed');
  for (const c of all) t.same(await cgroupDirsOf(c.id), [], `no cgroup left for ${c.id.slice(0, 12)}`);
  t.same(await mountsMentioning(engine.dir), [], 'no mount left');
  t.same(await fs.readdir(path.join(engine.root, 'containers')).catch(() => []), [], 'no container directory left');
});
