/**
 * A SIGKILLed daemon loses nothing: the restarted one rebuilds every actor from the log, finds
 * running containers still running (the shims outlive it), records the real exit of one that
 * ended while it was down, and writes no event twice.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { alive, cgroupDirsOf, startEngine, until } from '../helpers/engine.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';
import { waitFor } from '../helpers/waitFor.js';

gateFile(requiresEngine());

const DAEMON = fileURLToPath(new URL('../../cli/daemon.cjs', import.meta.url));

const engine = await startEngine(t);

const history = async () =>
  (await engine.ok(['events', '--since', '0', '--until', '0s', '--format', 'json'])).trim().split('\n').map((line) => JSON.parse(line));
const states = async () =>
  (await engine.ok(['ps', '-a', '--format', 'json'])).trim().split('\n').map((line) => JSON.parse(line))
    .map(({ ID, Names, State }) => ({ ID, Names, State })).sort((a, b) => a.Names.localeCompare(b.Names));

t.test('SIGKILL and restart rebuild every container and image', async (t) => {
  await engine.ok(['run', '-d', '--name', 'steady', 'busybox', 'sleep', '1000']);
  await engine.ok(['run', '--name', 'finished', 'busybox', 'sh', '-c', 'exit 4']).catch(() => '');
  // It ends when the test says so (a SIGTERM it traps), not after some time: no race with the crash.
  await engine.ok(['run', '-d', '--name', 'dies-while-down', 'busybox', 'sh', '-c', 'trap "echo bye; exit 7" TERM; while true; do sleep 0.1; done']);
  const doomedPid = JSON.parse(await engine.ok(['inspect', 'dies-while-down']))[0].State.Pid;
  const steadyPid = JSON.parse(await engine.ok(['inspect', 'steady']))[0].State.Pid;
  const imagesBefore = await engine.ok(['images', '--format', 'json']);
  const before = await history();

  await engine.killDaemon('SIGKILL');
  t.ok(alive(steadyPid), 'the container outlives its daemon');
  process.kill(doomedPid, 'SIGTERM');
  await waitFor(() => !alive(doomedPid), { what: 'dies-while-down to exit while the daemon is down' });
  await engine.startDaemon();
  await waitFor(async () => (await engine.inspect('dies-while-down')).State.Status === 'exited', { what: 'the new daemon to see dies-while-down exited' });

  const after = await states();
  t.same(after, [
    { ID: after[0]!.ID, Names: 'dies-while-down', State: 'exited' },
    { ID: after[1]!.ID, Names: 'finished', State: 'exited' },
    { ID: after[2]!.ID, Names: 'steady', State: 'running' },
  ]);
  const inspect = JSON.parse(await engine.ok(['inspect', 'steady', 'finished', 'dies-while-down']));
  t.equal(inspect[0].State.Pid, steadyPid, 'the same process');
  t.equal(inspect[1].State.ExitCode, 4);
  t.equal(inspect[2].State.ExitCode, 7, 'the exit while the daemon was down has its real code');
  t.equal(await engine.ok(['logs', 'dies-while-down']), 'bye\n');
  t.equal(await engine.ok(['images', '--format', 'json']), imagesBefore, 'images are rebuilt too');

  const afterEvents = await history();
  t.same(afterEvents.slice(0, before.length), before, 'history before the crash is unchanged');
  t.same(afterEvents.slice(before.length).map((e) => `${e.Actor.Attributes.name} ${e.Action}`), ['dies-while-down die']);
  t.equal(new Set(afterEvents.map((e) => e.seq)).size, afterEvents.length, 'no duplicates');

  // A second crash and restart changes nothing at all.
  await engine.killDaemon('SIGKILL');
  await engine.startDaemon();
  t.same(await history(), afterEvents, 'a restart with nothing new writes nothing');
  t.same(await states(), after);

  // The recovered actors are live: they obey commands.
  await engine.ok(['stop', '-t', '0', 'steady']);
  t.notOk(alive(steadyPid), 'stop reaches the process the old daemon started');
  t.equal(JSON.parse(await engine.ok(['inspect', 'steady']))[0].State.ExitCode, 137);
});

t.test('a SIGTERM during start-up stops the daemon cleanly once it is up', async (t) => {
  await engine.killDaemon('SIGTERM');
  const daemon = spawn(process.execPath, [DAEMON, '--host-id', 'testhost'], { env: { ...engine.env, BERTH_DEBUG: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  const locked = new Promise<void>((resolve) => daemon.stderr!.on('data', (d: Buffer) => {
    output += d.toString();
    if (output.includes('msg="locked"')) resolve();
  }));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => daemon.once('exit', (code, signal) => resolve({ code, signal })));
  await locked; // the daemon's own code runs: from here on a SIGTERM is its to handle
  daemon.kill('SIGTERM');
  t.same(await exited, { code: 0, signal: null }, `a clean exit, not death by the signal: ${output}`);
  t.match(output, /msg="ready" host=testhost/, 'it finished starting first');
  t.notOk(await fs.access(path.join(engine.root, 'berthd.lock')).then(() => true, () => false), 'the lock is released');
  await engine.startDaemon();
});

t.test('a container the dead daemon left frozen (during a cp) is thawed at restart; a paused one stays paused', async (t) => {
  const left = (await engine.ok(['run', '-d', 'busybox', 'sleep', '1000'])).trim();
  const paused = (await engine.ok(['run', '-d', 'busybox', 'sleep', '1000'])).trim();
  await engine.ok(['pause', paused]);
  const freezer = async (id: string) => {
    // v1: the freezer hierarchy; v2: the one cgroup dir
    const dirs = await cgroupDirsOf(id);
    const v1 = dirs.find((d) => d.startsWith('/sys/fs/cgroup/freezer/'));
    return v1 ? path.join(v1, 'freezer.state') : path.join(dirs[0]!, 'cgroup.freeze');
  };
  const file = await freezer(left);
  // What a daemon SIGKILLed inside `cp` leaves behind: the cgroup frozen, the log saying running.
  await fs.writeFile(file, file.endsWith('freezer.state') ? 'FROZEN' : '1');
  await until('the freeze', async () => /FROZEN|^1/.test((await fs.readFile(file, 'utf8')).trim()));
  await engine.killDaemon('SIGKILL');
  await engine.startDaemon();
  await until('the thaw', async () => /THAWED|^0/.test((await fs.readFile(file, 'utf8')).trim()));
  t.equal(JSON.parse(await engine.ok(['inspect', left]))[0].State.Status, 'running');
  t.equal((await engine.ok(['exec', left, 'echo', 'answers'])).trim(), 'answers', 'it runs again');
  t.match((await fs.readFile(await freezer(paused), 'utf8')).trim(), /FROZEN|^1/, 'the paused one is still frozen');
  t.equal(JSON.parse(await engine.ok(['inspect', paused]))[0].State.Status, 'paused');
  await engine.ok(['rm', '-f', left, paused]);
});
