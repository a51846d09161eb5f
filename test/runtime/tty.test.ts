/**
 * TTY and stdin through the shim's attach socket, against the real kernel and the real CLI:
 * `run -it` and `exec -it` driven through a pseudo-terminal (echo of typed input, `stty size` following a
 * resize, detach with ctrl-p ctrl-q and `attach` back), and `run -i` with piped stdin.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs/promises';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { alive, startEngine, until, type Engine } from '../helpers/engine.js';
import { runInPty } from '../helpers/pty.js';
import { frame } from '../../client/shimConnection.js';
import { Layout } from '../../runtime/layout.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';

gateFile(requiresEngine());

type Tap = Pick<typeof t, 'equal' | 'match'>;

const CLI = fileURLToPath(new URL('../../cli/main.cjs', import.meta.url));

function berthWithStdin(engine: Engine, args: string[], input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: engine.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
    child.stdin.end(input);
  });
}

/** A shell on a pty through `berth ARGS`: typed input echoed, stty size following a resize, exit 5. */
async function shellSession(t: Tap, engine: Engine, args: string[]): Promise<void> {
  const r = await runInPty([process.execPath, CLI, ...args], engine.env, [
    { expect: '# ' },
    { send: 'echo typed-$((6*7))\r' },
    { expect: 'typed-42' },
    { send: '[ -t 0 ] && echo stdin-is-a-tty; stty size\r' },
    { expect: '24 80' },
    { resize: [33, 101] },
    // The new size travels CLI -> shim -> pty; the shell waits for it rather than a fixed time.
    { send: 'until [ "$(stty size)" = "33 101" ]; do sleep 0.1; done; echo resized-$((30+3))\r' },
    { expect: 'resized-33', timeoutMs: 60_000 },
    { send: 'exit 5\r' },
  ]);
  t.equal(r.failed, null, r.transcript);
  t.match(r.transcript, /echo typed-\$\(\(6\*7\)\)/, 'the typed input is echoed by the pty');
  t.match(r.transcript, /\nstdin-is-a-tty/, 'stdin is a terminal');
  t.equal(r.code, 5, r.transcript);
}

t.test('tty and stdin', async (t) => {
  const engine = await startEngine(t);

  await t.test('run -i forwards piped stdin and closes it at its end', async (t) => {
    const r = await berthWithStdin(engine, ['run', '-i', '--rm', 'busybox', 'cat'], 'hi\nthere\n');
    t.equal(r.code, 0, r.stderr);
    t.equal(r.stdout, 'hi\nthere\n');
    const r2 = await berthWithStdin(engine, ['run', '-i', '--rm', 'busybox', 'sh', '-c', 'wc -l; exit 3'], 'a\nb\nc\n');
    t.equal(r2.code, 3, r2.stderr);
    t.equal(r2.stdout.trim(), '3');
    // without -i the container's stdin is /dev/null
    const r3 = await berthWithStdin(engine, ['run', '--rm', 'busybox', 'cat'], 'ignored\n');
    t.equal(r3.code, 0);
    t.equal(r3.stdout, '');
  });

  await t.test('a container that does not read its stdin never holds up its output', async (t) => {
    // The CLI forwards 4 MB of stdin the container never reads; the container's stdin pipe is
    // full long before the container says ready. Its output must still get through: the test
    // only lets it finish once it has seen "ready".
    const child = spawn(process.execPath, [CLI, 'run', '-i', '--rm', '--name', 'deaf', 'busybox', 'sh', '-c',
      'sleep 1; echo ready; while [ ! -e /tmp/go ]; do sleep 0.1; done; echo done'], { env: engine.env, stdio: ['pipe', 'pipe', 'pipe'] });
    t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stdin.on('error', () => {});
    child.stdin.write(Buffer.alloc(4 << 20, 'x'));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    await until('ready to come through', async () => out.includes('ready\n'));
    await engine.ok(['exec', 'deaf', 'touch', '/tmp/go']);
    t.equal(await closed, 0);
    t.equal(out, 'ready\ndone\n');
  });

  await t.test('run -it: echo, resize, exit code', async (t) => {
    await shellSession(t, engine, ['run', '-it', '--rm', 'busybox', 'sh']);
  });

  await t.test('detach with ctrl-p ctrl-q, then attach', async (t) => {
    const r = await runInPty([process.execPath, CLI, 'run', '-it', '--name', 'shell', 'busybox', 'sh'], engine.env, [
      { expect: '# ' },
      { send: 'echo first\r' },
      { expect: '\nfirst' },
      { send: '\x10\x11' },
    ]);
    t.equal(r.failed, null, r.transcript);
    t.equal(r.code, 0, 'the CLI exits 0 after detaching');
    const inspect = JSON.parse(await engine.ok(['inspect', 'shell'])) as Array<{ State: { Status: string; Pid: number } }>;
    t.equal(inspect[0].State.Status, 'running', 'the container keeps running');
    t.ok(alive(inspect[0].State.Pid));

    const back = await runInPty([process.execPath, CLI, 'attach', 'shell'], engine.env, [
      { raw: true },
      // A fresh prompt can only come from the container: the attach is through (and raw) then.
      { send: '\r' },
      { expect: '# ', timeoutMs: 60_000 },
      { send: 'echo again-$((1+1))\r' },
      { expect: 'again-2' },
      { send: 'exit 7\r' },
    ]);
    t.equal(back.failed, null, back.transcript);
    t.equal(back.code, 7, back.transcript);
    t.equal(back.transcript.split('echo again').length, 2, 'typed input is echoed once, by the container\'s pty');
    await engine.ok(['rm', 'shell']);
    const sockets = await fs.readdir(`${engine.runRoot}/shims`).catch(() => []);
    t.same(sockets, [], 'no attach socket is left');
  });

  await t.test('--detach-keys on run, attach and exec', async (t) => {
    const r = await runInPty([process.execPath, CLI, 'run', '-it', '--detach-keys', 'ctrl-a,d', '--name', 'keys', 'busybox', 'sh'], engine.env, [
      { expect: '# ' },
      { send: '\x10\x11echo still-here\r' },
      { expect: 'still-here' },
      { send: '\x01d' },
    ]);
    t.equal(r.failed, null, r.transcript);
    t.equal(r.code, 0, 'ctrl-p ctrl-q went to the shell; ctrl-a d detached');
    t.equal((await engine.inspect('keys')).State.Status, 'running');
    const back = await runInPty([process.execPath, CLI, 'attach', '--detach-keys', 'ctrl-x', 'keys'], engine.env, [
      { raw: true },
      { send: '\r' },
      { expect: '# ', timeoutMs: 60_000 },
      { send: 'echo back-$((2+2))\r' },
      { expect: 'back-4' },
      { send: '\x18' },
    ]);
    t.equal(back.failed, null, back.transcript);
    t.equal(back.code, 0, 'attach detached on its own key');
    const exec = await runInPty([process.execPath, CLI, 'exec', '-it', '--detach-keys', 'ctrl-x', 'keys', 'sh'], engine.env, [
      { expect: '# ' },
      { send: 'echo in-exec\r' },
      { expect: 'in-exec' },
      { send: '\x18' },
    ]);
    t.equal(exec.failed, null, exec.transcript);
    t.equal(exec.code, 0, 'exec -it detached');
    const bad = await engine.berth(['run', '-it', '--detach-keys', 'ctrl-', 'busybox', 'true']);
    t.equal(bad.code, 125);
    t.match(bad.stderr, /Invalid detach keys \(ctrl-\) provided/);
    await engine.ok(['rm', '-f', 'keys']);
  });

  await t.test('the socket protocol: output frames, resize, signal', async (t) => {
    const id = (await engine.ok(['run', '-d', '-t', 'busybox', 'sh', '-c', 'trap "echo got-usr1; exit 9" USR1; while :; do stty size; sleep 0.2; done'])).trim();
    const socket = net.createConnection(new Layout(engine.root, engine.runRoot).shimSocket(id));
    await once(socket, 'connect');
    const ended = once(socket, 'end');
    let frames = Buffer.alloc(0);
    socket.on('data', (d: Buffer) => { frames = Buffer.concat([frames, d]); });
    const text = () => {
      let out = '';
      for (let off = 0; off + 3 <= frames.length;) {
        const len = frames.readUInt16BE(off + 1);
        if (String.fromCharCode(frames[off]) === 'o') out += frames.subarray(off + 3, off + 3 + len).toString();
        off += 3 + len;
      }
      return out;
    };
    const until = async (what: RegExp) => {
      for (let i = 0; i < 250 && !what.test(text()); i++) await new Promise((resolve) => setTimeout(resolve, 20));
      return text();
    };
    socket.write(frame('a'));
    socket.write(frame('r', Buffer.from([0, 40, 0, 120])));
    t.match(await until(/40 120/), /40 120/, 'output frames stream live and TIOCSWINSZ reaches the pty');
    socket.write(frame('k', Buffer.from([10])));
    t.match(await until(/got-usr1/), /got-usr1/, 'a signal frame reaches the init');
    await ended;
    t.equal((await engine.berth(['wait', id])).stdout.trim(), '9');
    socket.destroy();
    await engine.ok(['rm', id]);
  });

  await t.test('exec -it: a pty, echo, resize, exit code; exec -i: piped stdin', async (t) => {
    await engine.ok(['run', '-d', '--name', 'host', 'busybox', 'sleep', '1000']);
    await shellSession(t, engine, ['exec', '-it', 'host', 'sh']);

    const piped = await berthWithStdin(engine, ['exec', '-i', 'host', 'sh', '-c', 'wc -l; exit 3'], 'a\nb\nc\n');
    t.equal(piped.code, 3, piped.stderr);
    t.equal(piped.stdout.trim(), '3', 'stdin reached the exec and was closed at its end');
    const plain = await berthWithStdin(engine, ['exec', 'host', 'cat'], 'ignored\n');
    t.equal(plain.stdout, '', 'without -i the exec\'s stdin is /dev/null');
    const tOnly = await engine.berth(['exec', '-t', 'host', 'sh', '-c', '[ -t 1 ] && echo out-is-a-tty']);
    t.equal(tOnly.stdout.replace(/\r/g, ''), 'out-is-a-tty\n', '-t alone: a pty, stdout through it');
    const sockets = await fs.readdir(`${engine.runRoot}/shims`);
    t.same(sockets.filter((name) => name.startsWith('exec-')), [], 'no exec socket is left');
    await engine.ok(['rm', '-f', 'host']);
  });

  await t.test('attach --no-stdin: the output, and none of this terminal\'s input', async (t) => {
    await engine.ok(['run', '-d', '-i', '--name', 'reader', 'busybox', 'sh', '-c',
      '(while :; do echo tick; sleep 0.2; done) & while read l; do echo got-$l; done']);
    const quiet = spawn(process.execPath, [CLI, 'attach', '--no-stdin', 'reader'], { env: engine.env, stdio: ['pipe', 'pipe', 'pipe'] });
    t.teardown(() => { if (quiet.exitCode === null) quiet.kill('SIGKILL'); });
    let out = '';
    quiet.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    quiet.stdin.write('not-forwarded\n');
    await until('live output', async () => out.includes('tick'));
    const left = new Promise((resolve) => quiet.on('close', resolve));
    quiet.kill('SIGINT');
    await left;
    t.equal((await engine.inspect('reader')).State.Status, 'running', 'ctrl-c left the container running');
    const r = await berthWithStdin(engine, ['attach', 'reader'], 'forwarded\n');
    t.equal(r.code, 0, r.stderr);
    await until('the second line to arrive', async () => (await engine.ok(['logs', 'reader'])).includes('got-forwarded'));
    t.notMatch(await engine.ok(['logs', 'reader']), /got-not-forwarded/, 'what --no-stdin saw typed never reached the container');
    await engine.ok(['rm', '-f', 'reader']);
  });

  await t.test('attach refuses a stopped container', async (t) => {
    await engine.ok(['run', '--name', 'done', 'busybox', 'true']);
    const r = await engine.berth(['attach', 'done']);
    t.not(r.code, 0);
    t.match(r.stderr, /cannot attach to a stopped container/);
    await engine.ok(['rm', 'done']);
  });
});
