/** `berth run` and friends through the real CLI, daemon, nats-server and kernel. */
import fs from 'node:fs/promises';
import t from 'tap';
import { startEngine } from '../helpers/engine.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';
import { waitFor } from '../helpers/waitFor.js';

gateFile(requiresEngine());

const engine = await startEngine(t);

t.test('run prints the output and exits with the container exit code', async (t) => {
  const hello = await engine.berth(['run', '--rm', 'busybox', 'echo', 'hello from berth']);
  t.equal(hello.code, 0);
  t.equal(hello.stdout, 'hello from berth\n');
  const mixed = await engine.berth(['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
  t.equal(mixed.code, 3);
  t.equal(mixed.stdout, 'out\n');
  t.equal(mixed.stderr, 'err\n');
});

t.test('env, workdir and hostname reach the process', async (t) => {
  const out = await engine.berth([
    'run', '--rm', '-e', 'GREETING=hi', '-e', 'FROM_HOST', '-w', '/srv/app', '--hostname', 'box1',
    'busybox', 'sh', '-c', 'echo $GREETING $FROM_HOST; pwd; hostname',
  ], { env: { FROM_HOST: 'passed' } });
  t.equal(out.code, 0, out.stderr);
  t.equal(out.stdout, 'hi passed\n/srv/app\nbox1\n');
});

t.test('the hostname defaults to the short id', async (t) => {
  const id = (await engine.ok(['run', '-d', 'busybox', 'sh', '-c', 'hostname'])).trim();
  t.equal((await engine.ok(['wait', id])).trim(), '0');
  t.equal(await engine.ok(['logs', id]), `${id.slice(0, 12)}\n`);
  await engine.ok(['rm', id]);
});

t.test('detached run, ps, logs, stop and rm', async (t) => {
  const id = (await engine.ok(['run', '-d', '--name', 'ticker', 'busybox', 'sh', '-c', 'echo started; exec sleep 1000'])).trim();
  t.match(id, /^[a-f0-9]{64}$/);
  const ps = await engine.ok(['ps']);
  t.match(ps, /CONTAINER ID\s+IMAGE\s+COMMAND/);
  t.match(ps, new RegExp(`${id.slice(0, 12)}\\s+busybox\\s+"sh -c 'echo start…"|${id.slice(0, 12)}.*ticker`));
  t.equal((await engine.ok(['ps', '-q'])).trim(), id.slice(0, 12));
  const json = JSON.parse((await engine.ok(['ps', '--format', 'json'])).trim());
  t.equal(json.Names, 'ticker');
  t.equal(json.State, 'running');
  // logs: what was written so far
  for (let i = 0; i < 50 && (await engine.ok(['logs', 'ticker'])) !== 'started\n'; i++) await new Promise((r) => setTimeout(r, 50));
  t.equal(await engine.ok(['logs', 'ticker']), 'started\n');
  const rm = await engine.berth(['rm', 'ticker']);
  t.equal(rm.code, 1, 'a running container is not removed without -f');
  t.match(rm.stderr, /stop it first or use rm -f/);
  const stop = await engine.berth(['stop', '-t', '1', 'ticker']);
  t.equal(stop.code, 0);
  t.equal(stop.stdout, 'ticker\n');
  const inspect = JSON.parse(await engine.ok(['inspect', 'ticker']))[0];
  t.equal(inspect.State.Status, 'exited');
  t.equal(inspect.State.ExitCode, 137, 'sleep as pid 1 ignores SIGTERM, so the timeout kills it');
  t.equal(inspect.Id, id);
  t.equal((await engine.ok(['wait', 'ticker'])).trim(), '137');
  t.match(await engine.ok(['ps', '-a']), /Exited \(137\)/);
  t.equal((await engine.ok(['ps'])).split('\n').filter(Boolean).length, 1, 'ps without -a lists running ones only');
  await engine.ok(['rm', id.slice(0, 8)]);
  t.equal((await engine.ok(['ps', '-aq'])).trim(), '');
});

t.test('kill sends the signal, and wait reports the exit code', async (t) => {
  const id = (await engine.ok(['run', '-d', 'busybox', 'sh', '-c', 'trap "exit 42" TERM; while true; do sleep 0.1; done'])).trim();
  // The trap is set once the loop runs: its first `sleep 0.1` is a child of the container's sh.
  const pid = (await engine.inspect(id)).State.Pid;
  await waitFor(async () => (await fs.readFile(`/proc/${pid}/task/${pid}/children`, 'utf8')).trim() !== '', { what: 'the container\'s loop to start, its trap set' });
  const waiting = engine.berth(['wait', id]);
  await engine.ok(['kill', '-s', 'TERM', id]);
  const waited = await waiting;
  t.equal(waited.stdout.trim(), '42');
  const badSignal = await engine.berth(['kill', '-s', 'NOPE', id]);
  t.equal(badSignal.code, 125);
  t.match(badSignal.stderr, /invalid signal: NOPE/);
  await engine.ok(['rm', id]);
});

t.test('rm -f removes a running container', async (t) => {
  const id = (await engine.ok(['run', '-d', 'busybox', 'sleep', '1000'])).trim();
  await engine.ok(['rm', '-f', id]);
  const inspect = await engine.berth(['inspect', id]);
  t.equal(inspect.code, 1);
  t.match(inspect.stderr, /No such object/);
});

t.test('output is streamed as it is written, not at exit', async (t) => {
  const { spawn } = await import('node:child_process');
  const cli = new URL('../../cli/main.cjs', import.meta.url).pathname;
  // The container waits after its first line until the test stops it.
  const child = spawn(process.execPath, [cli, 'run', '--rm', '--name', 'streamer', 'busybox', 'sh', '-c', 'echo first; trap "echo second; exit 0" TERM; while true; do sleep 0.1; done'], { env: engine.env });
  let out = '';
  await new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => { out += d.toString(); if (out.includes('first\n')) resolve(); }));
  t.equal(out, 'first\n', 'the first line is printed');
  t.equal(JSON.parse(await engine.ok(['inspect', 'streamer']))[0].State.Status, 'running', 'while the container still runs');
  await engine.ok(['kill', '-s', 'TERM', 'streamer']);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  t.equal(code, 0);
  t.equal(out, 'first\nsecond\n');
});
