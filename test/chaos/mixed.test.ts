/**
 * Chaos with everything at once: while container lifecycles run (run -d with named volumes,
 * exec writing data into them, stop, rm -f, run --rm writing data), the harness SIGKILLs, at
 * random, the daemon, a container's shim or the nats-server (then restarts the daemon, as an
 * operator would). Some runs take a name from a small pool, so names are fought over and
 * reused. After every round the log must match the kernel; at the end the invariant checker
 * (test/helpers/invariants.ts) reads the whole log: every acknowledged run, stop and rm has its
 * events, no event is in the log twice, each container's events keep a lifecycle's order, no
 * name ever had two running containers; each acknowledged write is in its volume, and after
 * rm -f of everything no cgroup, mount, link, container dir or process is left. A command counts
 * as acknowledged only when it exited 0 and printed its answer (run -d its id, stop and rm the
 * id, a write's shell its token after the write); an exit 0 without it is a failure of its own.
 *
 * Short form in CI (BERTH_CHAOS_ROUNDS, default 3); the long form is the same file with more
 * rounds and BERTH_CHAOS_WIDTH commands in flight per round (default 4; docs/ARCHITECTURE.md
 * gives a run's figures). BERTH_CHAOS_SEED replays a run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { JetStreamEventStore } from '../../nats/store/jetStream.js';
import { eventFilter } from '../../events/subjects.js';
import { connectEngine } from '../helpers/bus.js';
import { alive, cgroupDirsOf, mountsMentioning, startEngine, TIMEOUT_SCALE, until } from '../helpers/engine.js';
import { cgroupHasProcesses, containers, hostLinks, seededChoices, settle } from '../helpers/chaos.js';
import { checkLog, type LoggedEvent } from '../helpers/invariants.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';

gateFile(requiresEngine());

const rounds = Number(process.env.BERTH_CHAOS_ROUNDS ?? 3);
const width = Number(process.env.BERTH_CHAOS_WIDTH ?? 4);
// A long run on a shared machine: no new round starts after this many minutes (the checks still run).
const minutes = Number(process.env.BERTH_CHAOS_MINUTES ?? Infinity);
const seed = Number(process.env.BERTH_CHAOS_SEED ?? Date.now() % 1_000_000);
t.comment(`mixed chaos seed ${seed} (BERTH_CHAOS_SEED=${seed} replays it), ${rounds} rounds`);
const { random, pick } = seededChoices(seed);

const linksBefore = await hostLinks();
const engine = await startEngine(t);
const NAMES = ['m0', 'm1', 'm2', 'm3'];
const CLI = new URL('../../cli/main.cjs', import.meta.url).pathname;
const VOLUMES = ['cv0', 'cv1', 'cv2'];
for (const volume of VOLUMES) await engine.ok(['volume', 'create', volume]);

interface Outcome { code: number | null; stdout: string }
const launched = new Set<ChildProcess>();
t.teardown(() => { for (const c of launched) if (c.pid && alive(c.pid)) c.kill('SIGKILL'); });

/** A CLI call that the chaos may cut short; resolves with its exit code (null: killed) and stdout. */
function launch(args: string[]): Promise<Outcome> {
  const child = spawn(process.execPath, [CLI, ...args], { env: engine.env, stdio: ['ignore', 'pipe', 'ignore'] });
  launched.add(child);
  let stdout = '';
  child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
  return new Promise((resolve) => {
    const timer = setTimeout(() => { if (child.pid && alive(child.pid)) child.kill('SIGKILL'); }, 90_000 * TIMEOUT_SCALE);
    child.once('close', (code) => { clearTimeout(timer); launched.delete(child); resolve({ code, stdout }); });
  });
}

async function parentOf(pid: number): Promise<number> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] ?? 0);
}

t.test(`${rounds} rounds of lifecycles with volumes and exec while the daemon, a shim or the nats-server is killed`, async (t) => {
  const acknowledgedRuns = new Set<string>();
  const acknowledged = { stops: new Set<string>(), removes: new Set<string>() };
  // Commands that exited 0 without printing their answer (a run -d's id, a write's token echoed
  // back): the CLI claimed a success it had not seen. Their writes are not counted, and the test
  // fails on them by name (issue 23: such exits were commands whose NATS connection closed).
  const unanswered: Array<{ what: string; write?: { volume: string; token: string } }> = [];
  const volumeOf = new Map<string, string>();
  const writes: Array<{ volume: string; token: string }> = [];
  const processes = new Set<number>();
  const kills = { daemon: 0, shim: 0, nats: 0 };
  let lifecycles = 0;
  let tokens = 0;
  const deadline = Date.now() + minutes * 60_000;
  let round = 0;
  for (; round < rounds && Date.now() < deadline; round++) {
    const began = Date.now();
    const running = (await containers(engine)).filter((c) => c.status === 'running');
    const inFlight: Array<Promise<void>> = [];
    for (let i = 0, n = Math.max(1, Math.round(width / 2)) + Math.floor(random() * width); i < n; i++) {
      const choice = random();
      const volume = pick(VOLUMES);
      const token = `r${round}-t${tokens++}`;
      const target = running.length ? pick(running) : null;
      lifecycles++;
      if (choice < 0.35 || !target) {
        const name = random() < 0.5 ? ['--name', pick(NAMES)] : [];
        inFlight.push(launch(['run', '-d', ...name, '-v', `${volume}:/data`, 'busybox', 'sh', '-c', `echo ${token} > /data/${token}; exec sleep 1000`]).then((r) => {
          if (r.code !== 0) return;
          if (!/^[0-9a-f]{64}$/.test(r.stdout.trim())) return void unanswered.push({ what: `run -d ${token}: ${JSON.stringify(r.stdout)}` });
          acknowledgedRuns.add(r.stdout.trim());
          volumeOf.set(r.stdout.trim(), volume);
          // Not a write: run -d answers once the process started, maybe before its echo ran.
        }));
      } else if (choice < 0.55 && volumeOf.has(target.id)) {
        // exec into a running container, writing into its volume
        inFlight.push(launch(['exec', target.id, 'sh', '-c', `echo ${token} > /data/${token} && echo ${token}`]).then((r) => {
          if (r.code !== 0) return;
          const write = { volume: volumeOf.get(target.id)!, token };
          if (r.stdout !== `${token}\n`) return void unanswered.push({ what: `exec ${token}: ${JSON.stringify(r.stdout)}`, write });
          writes.push(write);
        }));
      } else if (choice < 0.75) {
        inFlight.push(launch(['run', '--rm', '-v', `${volume}:/data`, 'busybox', 'sh', '-c', `echo ${token} > /data/${token} && echo ${token}`]).then((r) => {
          if (r.code !== 0) return;
          if (r.stdout !== `${token}\n`) return void unanswered.push({ what: `run --rm ${token}: ${JSON.stringify(r.stdout)}`, write: { volume, token } });
          writes.push({ volume, token });
        }));
      } else if (choice < 0.87) {
        inFlight.push(launch(['stop', '-t', '1', target.id]).then((r) => {
          if (r.code !== 0) return;
          if (r.stdout !== `${target.id}\n`) return void unanswered.push({ what: `stop ${target.id.slice(0, 12)}: ${JSON.stringify(r.stdout)}` });
          acknowledged.stops.add(target.id);
        }));
      } else {
        inFlight.push(launch(['rm', '-f', target.id]).then((r) => {
          if (r.code !== 0) return;
          if (r.stdout !== `${target.id}\n`) return void unanswered.push({ what: `rm ${target.id.slice(0, 12)}: ${JSON.stringify(r.stdout)}` });
          acknowledged.removes.add(target.id);
        }));
      }
    }
    // Let a random number of the commands finish (some kills fall between commands, most in
    // the middle of the others), then kill something.
    let finished = 0;
    const wanted = Math.floor(random() * (inFlight.length + 1));
    for (const p of inFlight) void p.then(() => { finished++; });
    await until('commands to finish', async () => finished >= wanted, 120_000);
    // Not synchronisation: the subject. A random, seeded moment to strike at.
    await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 500)));
    const victim = pick(['daemon', 'daemon', 'shim', 'nats'] as const);
    for (const c of running) { processes.add(c.pid); const shim = await parentOf(c.pid); if (shim > 1) processes.add(shim); }
    if (victim === 'shim' && running.length) {
      const shim = await parentOf(pick(running).pid);
      t.comment(`round ${round}: SIGKILL shim ${shim} after ${Date.now() - began} ms`);
      if (shim > 1) { try { process.kill(shim, 'SIGKILL'); kills.shim++; } catch { /* gone */ } }
      await Promise.all(inFlight);
    } else if (victim === 'nats') {
      const nats = await engine.natsPid();
      t.comment(`round ${round}: SIGKILL nats-server ${nats} after ${Date.now() - began} ms`);
      if (nats) { try { process.kill(nats, 'SIGKILL'); kills.nats++; } catch { /* gone */ } }
      await Promise.all(inFlight);
      await engine.killDaemon('SIGKILL');
      await engine.startDaemon();
    } else {
      t.comment(`round ${round}: SIGKILL the daemon after ${Date.now() - began} ms`);
      await engine.killDaemon('SIGKILL');
      kills.daemon++;
      await Promise.all(inFlight);
      await engine.startDaemon();
    }
    const state = await settle(engine);
    t.comment(`round ${round}: settled after ${Date.now() - began} ms`);
    for (const c of state) {
      if (c.status === 'running') {
        if (!(c.pid > 0 && alive(c.pid))) t.fail(`round ${round}: ${c.id.slice(0, 12)} is recorded running but its process is gone`);
      } else if (!['starting', 'stopping', 'removing'].includes(c.status) && (await cgroupHasProcesses(c.id))) {
        t.fail(`round ${round}: ${c.id.slice(0, 12)} is recorded ${c.status} but processes remain in its cgroup`);
      }
    }
  }
  t.ok(acknowledgedRuns.size + writes.length > 0, 'some commands were acknowledged: the checks below are not empty');

  const nc = await connectEngine(engine, 'chaos-check');
  const log: LoggedEvent[] = [];
  for await (const stored of new JetStreamEventStore(nc).read(eventFilter('testhost'))) {
    const { id, type, host, entity, attributes } = stored.event;
    log.push({ id, type, host, entity, name: attributes.name ?? '' });
  }
  await nc.close();
  const violations = checkLog(log, { runs: acknowledgedRuns, ...acknowledged });
  const created = new Set(log.filter((e) => e.type === 'container.created').map((e) => e.entity)).size;
  t.comment(`FIGURES rounds ${round}, commands ${lifecycles}, containers created ${created}, acknowledged: ${acknowledgedRuns.size} runs, ${acknowledged.stops.size} stops, ${acknowledged.removes.size} rms, ${writes.length} writes; kills: ${kills.daemon} daemons, ${kills.shim} shims, ${kills.nats} nats-servers; ${log.length} events; ${violations.length} violations`);
  t.same(violations, [], `the log keeps every invariant (${log.length} events)`);
  const written = async ({ volume, token }: { volume: string; token: string }) =>
    (await fs.readFile(path.join(engine.root, 'volumes', volume, '_data', token), 'utf8').catch(() => null)) === `${token}\n`;
  for (const { what, write } of unanswered) t.comment(`exited 0 without its answer: ${what}${write ? `; its write is ${(await written(write)) ? 'there' : 'absent'}` : ''}`);
  t.same(unanswered.map((u) => u.what), [], 'every command that exited 0 printed its answer (run -d its id, stop and rm theirs, a write its token)');
  const lost: string[] = [];
  for (const write of writes) if (!(await written(write))) lost.push(`${write.volume}/${write.token}`);
  t.same(lost, [], 'every acknowledged write is in its volume');

  const all = await containers(engine);
  if (all.length) await engine.ok(['rm', '-f', ...all.map((c) => c.id)]);
  t.same(await containers(engine), [], 'everything removed');
  for (const id of acknowledgedRuns) if ((await cgroupDirsOf(id)).length) t.fail(`a cgroup is left for ${id.slice(0, 12)}`);
  t.same(await mountsMentioning(engine.dir), [], 'no mount left');
  t.same((await hostLinks()).filter((link) => !linksBefore.includes(link)), [], 'no link left');
  t.same(await fs.readdir(path.join(engine.root, 'containers')).catch(() => []), [], 'no container directory left');
  await until('the shims to exit', async () => [...processes].filter(alive).length === 0, 30_000).catch(() => {});
  t.same([...processes].filter(alive), [], 'no container process or shim is left');
  t.same((await engine.ok(['volume', 'ls', '-q'])).split('\n').filter(Boolean).sort(), VOLUMES, 'the volumes are all there');
});
