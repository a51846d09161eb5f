/** Attach over the API: the hijacked stream, stdin, start -a, and the window size (the docker CLI, dockerode). */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import t from 'tap';
import { startEngine } from '../helpers/engine.js';
import { waitFor } from '../helpers/waitFor.js';
import { docker, dockerOk, dockerSocket } from '../helpers/docker.js';
import { gateFile, requiresEngine, requiresProgram } from '../helpers/gates.js';

gateFile(requiresEngine(), requiresProgram('docker', 'the docker CLI (docker-ce-cli)'), requiresProgram('script', 'util-linux'));

const run = promisify(execFile);

/** The end of a stream, or a failure after 20 s. */
function ended(stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the stream did not end')), 20_000);
    stream.on('end', () => { clearTimeout(timer); resolve(); });
  });
}
const engine = await startEngine(t);
const client = new Docker({ socketPath: dockerSocket(engine) });

t.test('docker run -i: stdin reaches the container, and its end ends cat', async (t) => {
  const echoed = await docker(engine, ['run', '-i', '--rm', 'busybox', 'cat'], { input: 'hi\n' });
  t.equal(echoed.stdout, 'hi\n', echoed.stderr);
  t.equal(echoed.code, 0);
  const counted = await docker(engine, ['run', '-i', '--rm', 'busybox', 'sh', '-c', 'wc -l; echo err >&2; exit 3'], { input: 'a\nb\nc\n' });
  t.equal(counted.stdout.trim(), '3');
  t.equal(counted.stderr, 'err\n', 'stderr apart, from the multiplexed stream');
  t.equal(counted.code, 3);
});

t.test('docker start -a prints the output and exits with the code; start -ai takes stdin', async (t) => {
  await dockerOk(engine, ['create', '--name', 'later', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 4']);
  const started = await docker(engine, ['start', '-a', 'later']);
  t.equal(started.stdout, 'out\n');
  t.equal(started.stderr, 'err\n');
  t.equal(started.code, 4);
  const again = await docker(engine, ['start', '-a', 'later']);
  t.equal(again.stdout, 'out\n', 'the second run\'s output only');
  await dockerOk(engine, ['create', '-i', '--name', 'reader', 'busybox', 'sh', '-c', 'read line; echo "got $line"']);
  const read = await docker(engine, ['start', '-ai', 'reader'], { input: 'x\n' });
  t.equal(read.stdout, 'got x\n', read.stderr);
  await dockerOk(engine, ['rm', 'later', 'reader']);
});

t.test('docker attach to a running -i container: stdin in, output out', async (t) => {
  await dockerOk(engine, ['run', '-d', '-i', '--name', 'echoer', 'busybox', 'sh', '-c', 'while read line; do echo "echo $line"; done']);
  const attached = await docker(engine, ['attach', 'echoer'], { input: 'one\ntwo\n' });
  t.equal(attached.stdout, 'echo one\necho two\n', attached.stderr);
  await dockerOk(engine, ['rm', '-f', 'echoer']);
});

t.test('docker run -t: a raw stream, and the terminal\'s size set in the container', async (t) => {
  const env = { ...process.env, DOCKER_HOST: `unix://${dockerSocket(engine)}`, HOME: engine.dir };
  // script(1) gives docker a terminal; its size is set before docker reads it.
  // The CLI sends its size once the container has started: the container waits to see it.
  const waitSize = 'while [ "$(stty size)" = "24 80" ]; do sleep 0.1; done; stty size';
  const { stdout } = await run('script', ['-qec', `stty rows 37 cols 91; docker run -t --rm busybox sh -c '${waitSize}'`, '/dev/null'], { env, timeout: 60_000 });
  t.match(stdout, /37 91/);
  const { stdout: coded } = await run('script', ['-qc', 'docker run -t --rm busybox sh -c "exit 5"; echo "code=$?"', '/dev/null'], { env, timeout: 60_000 });
  t.match(coded, /code=5/, 'the exit code, with a TTY');
});

t.test('dockerode: attach with stdin (hijacked), resize of a container and of an exec', async (t) => {
  const container = await client.createContainer({ Image: 'busybox', Cmd: ['sh', '-c', 'read a; echo "read $a"; sleep 1000'], OpenStdin: true, StdinOnce: true });
  const stream = await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true });
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  await container.start();
  stream.write('value\n');
  await waitFor(async () => Buffer.concat(chunks).includes('read value'), { what: 'the attached output', timeoutMs: 20_000, intervalMs: 50 });
  t.equal(Buffer.concat(chunks).subarray(8).toString(), 'read value\n', 'one stdout frame');
  await container.kill();
  const tty = await client.createContainer({ Image: 'busybox', Cmd: ['sleep', '1000'], Tty: true, OpenStdin: true });
  await tty.start();
  await tty.resize({ h: 33, w: 77 });
  const exec = await tty.exec({ Cmd: ['stty', 'size'], Tty: true, AttachStdout: true });
  const out = await exec.start({ hijack: true, stdin: false, Tty: true });
  const execChunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => execChunks.push(chunk));
  await ended(out);
  t.match(Buffer.concat(execChunks).toString(), /^\d+ \d+/, 'an exec has its own terminal');
  const sized = await tty.exec({ Cmd: ['sh', '-c', 'sleep 0.5; stty size'], Tty: true, AttachStdout: true });
  const sizedOut = await sized.start({ hijack: true, stdin: false, Tty: true });
  await sized.resize({ h: 44, w: 88 });
  const sizedChunks: Buffer[] = [];
  sizedOut.on('data', (chunk: Buffer) => sizedChunks.push(chunk));
  await ended(sizedOut);
  t.match(Buffer.concat(sizedChunks).toString(), /44 88/, 'exec resize');
  const main = await run('sh', ['-c', `DOCKER_HOST=unix://${dockerSocket(engine)} docker exec ${tty.id} sh -c 'stty size < /proc/1/fd/0'`]).catch((e) => e);
  t.match(String(main.stdout), /33 77/, 'the container\'s terminal has the size set');
  await container.remove({ force: true });
  await tty.remove({ force: true });
});
