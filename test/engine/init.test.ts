/**
 * `run --init`: berth-init as pid 1 reaps orphaned zombies, passes SIGTERM on to the command,
 * and exits with the command's code. Real engine, real pid namespace.
 */
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { startEngine, until } from '../helpers/engine.js';
import { runInPty } from '../helpers/pty.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';

gateFile(requiresEngine());

const CLI = fileURLToPath(new URL('../../cli/main.cjs', import.meta.url));

const engine = await startEngine(t);

/** The state letter of a process in the container (Z: zombie), or null once it is gone. */
async function stateIn(container: string, pid: string): Promise<string | null> {
  const r = await engine.berth(['exec', container, 'cat', `/proc/${pid}/stat`]);
  if (r.code !== 0) return null;
  return r.stdout.slice(r.stdout.lastIndexOf(')') + 2)[0];
}

// an orphan: its parent (the subshell) exits at once, so the kernel hands it to pid 1
const orphan = '(sleep 0.3 & echo $! > /tmp/orphan); exec sleep 1000';

t.test('pid 1 is berth-init, and it reaps an orphan', async (t) => {
  await engine.ok(['run', '-d', '--init', '--name', 'reaped', 'busybox', 'sh', '-c', orphan]);
  t.equal((await engine.ok(['exec', 'reaped', 'cat', '/proc/1/cmdline'])).split('\0')[0], '/sbin/berth-init');
  t.equal((await engine.inspect('reaped')).HostConfig.Init, true);
  await until('the orphan pid file', async () => (await engine.berth(['exec', 'reaped', 'cat', '/tmp/orphan'])).code === 0);
  const pid = (await engine.ok(['exec', 'reaped', 'cat', '/tmp/orphan'])).trim();
  const seen: Array<string | null> = [];
  await until('the orphan to end', async () => {
    const state = await stateIn('reaped', pid);
    seen.push(state);
    return state === null || state === 'Z';
  });
  t.equal(seen.at(-1), null, 'gone, not a zombie');
  await engine.ok(['rm', '-f', 'reaped']);
});

t.test('without --init the same orphan stays a zombie (the check above can fail)', async (t) => {
  await engine.ok(['run', '-d', '--name', 'zombie', 'busybox', 'sh', '-c', orphan]);
  await until('the orphan pid file', async () => (await engine.berth(['exec', 'zombie', 'cat', '/tmp/orphan'])).code === 0);
  const pid = (await engine.ok(['exec', 'zombie', 'cat', '/tmp/orphan'])).trim();
  await until('the orphan to end', async () => {
    const state = await stateIn('zombie', pid);
    return state === null || state === 'Z';
  });
  t.equal(await stateIn('zombie', pid), 'Z', 'pid 1 (sleep) never reaps it');
  await engine.ok(['rm', '-f', 'zombie']);
});

t.test('SIGTERM from stop reaches the command; its exit code passes through', async (t) => {
  await engine.ok(['run', '-d', '--init', '--name', 'trapper', 'busybox', 'sh', '-c',
    'trap "echo got-term; exit 7" TERM; echo ready; while :; do sleep 0.1; done']);
  await until('the trap to be set', async () => (await engine.ok(['logs', 'trapper'])).includes('ready'));
  await engine.ok(['stop', '-t', '30', 'trapper']);
  t.equal((await engine.ok(['wait', 'trapper'])).trim(), '7', 'the command\'s code, not a SIGKILL\'s 137');
  t.match(await engine.ok(['logs', 'trapper']), /got-term/);
  await engine.ok(['rm', 'trapper']);
});

t.test('exit codes: a plain exit, and 128 + the signal that killed the command', async (t) => {
  t.equal((await engine.berth(['run', '--rm', '--init', 'busybox', 'sh', '-c', 'exit 42'])).code, 42);
  t.equal((await engine.berth(['run', '--rm', '--init', 'busybox', 'sh', '-c', 'kill -9 $$'])).code, 137);
  const missing = await engine.berth(['run', '--rm', '--init', 'busybox', 'no-such-command']);
  t.equal(missing.code, 127);
  t.match(missing.stderr, /berth-init: exec no-such-command/);
  const out = await engine.berth(['run', '--rm', '--init', 'busybox', 'sh', '-c', 'echo $$; echo out; echo err >&2']);
  t.equal(out.stdout, '2\nout\n', 'the command is pid 2, its stdout is the container\'s');
  t.equal(out.stderr, 'err\n');
  const confined = await engine.berth(['run', '--rm', '--init', '--read-only', '-u', 'nobody', 'busybox', 'sh', '-c', 'id -u; cat /proc/1/status | grep ^Uid']);
  t.equal(confined.code, 0, confined.stderr);
  t.match(confined.stdout, /^65534\nUid:\s+65534\s/, 'with --read-only and -u: berth-init runs as the user too');
});

t.test('with a tty the command gets the terminal (job control works under berth-init)', async (t) => {
  const r = await runInPty([process.execPath, CLI, 'run', '-it', '--rm', '--init', 'busybox', 'sh'], engine.env, [
    { expect: '# ' },
    { send: 'sleep 1000 &\r' },
    { send: 'jobs; echo pid-$$\r' },
    { expect: 'pid-2' },
    { send: 'kill %1; exit 4\r' },
  ]);
  t.equal(r.failed, null, r.transcript);
  t.match(r.transcript, /\[1\]\+? +Running +sleep 1000/, 'the shell has job control');
  t.equal(r.code, 4, r.transcript);
});
