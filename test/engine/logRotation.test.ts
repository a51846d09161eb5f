/**
 * --log-opt max-size/max-file: the shim rotates ctr.log as Docker's json-file driver does, and
 * `berth logs` (with and without -f) reads across the rotated files in order. Real engine,
 * real shim, real files.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { startEngine, until } from '../helpers/engine.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';

gateFile(requiresEngine());

const CLI = fileURLToPath(new URL('../../cli/main.js', import.meta.url));
const engine = await startEngine(t);

/** A shell loop printing "line N" plus padding for N in FROM..TO (about 100 bytes a record). */
const writeLines = (from: number | string, to: number | string) =>
  `i=${from}; while [ $i -le ${to} ]; do echo "line $i ................................"; i=$((i+1)); done`;
const logFiles = async (id: string) =>
  (await fs.readdir(path.join(engine.root, 'containers', id))).filter((name) => name.startsWith('ctr.log')).sort();
const numbersIn = (text: string) => [...text.matchAll(/^line (\d+) /gm)].map((m) => Number(m[1]));
const contiguous = (numbers: number[]) => numbers.every((n, i) => i === 0 || n === numbers[i - 1] + 1);

t.test('max-size and max-file: ctr.log, .1, .2 each within the size; logs reads them in order', async (t) => {
  const id = (await engine.ok(['run', '-d', '--log-opt', 'max-size=20k', '--log-opt', 'max-file=3', 'busybox', 'sh', '-c', writeLines(1, 2000)])).trim();
  t.equal((await engine.ok(['wait', id])).trim(), '0');
  t.same(await logFiles(id), ['ctr.log', 'ctr.log.1', 'ctr.log.2'], 'three files, the oldest dropped');
  const dir = path.join(engine.root, 'containers', id);
  for (const name of ['ctr.log', 'ctr.log.1', 'ctr.log.2']) {
    const size = (await fs.stat(path.join(dir, name))).size;
    t.ok(size <= 20_000, `${name} is within max-size (${size})`);
    if (name !== 'ctr.log') t.ok(size > 19_000, `${name} was filled before it rotated (${size})`);
  }
  const text = await engine.ok(['logs', id]);
  const logged = numbersIn(text);
  t.equal(logged.at(-1), 2000, 'ends with the last line');
  t.ok(logged[0] > 1, 'the lines of the dropped files are gone');
  t.ok(contiguous(logged), 'in order, nothing missing between the files');
  let fromFiles = '';
  for (const name of ['ctr.log.2', 'ctr.log.1', 'ctr.log']) {
    for (const line of (await fs.readFile(path.join(dir, name), 'utf8')).split('\n').filter(Boolean)) fromFiles += JSON.parse(line).log;
  }
  t.equal(text, fromFiles, 'exactly the records of the three files, oldest first');
  t.same(numbersIn(await engine.ok(['logs', '--tail', '3', id])), [1998, 1999, 2000], '--tail across files');
  const inspect = await engine.inspect(id);
  t.same(inspect.HostConfig.LogConfig, { Type: 'json-file', Config: { 'max-size': '20000', 'max-file': '3' } });
  await engine.ok(['rm', id]);
});

t.test('max-file=1 keeps one file; no option never rotates', async (t) => {
  const one = (await engine.ok(['run', '-d', '--log-opt', 'max-size=10k', 'busybox', 'sh', '-c', writeLines(1, 500)])).trim();
  const plain = (await engine.ok(['run', '-d', 'busybox', 'sh', '-c', writeLines(1, 500)])).trim();
  await engine.ok(['wait', one, plain]);
  t.same(await logFiles(one), ['ctr.log']);
  t.ok((await fs.stat(path.join(engine.root, 'containers', one, 'ctr.log'))).size <= 10_000);
  const kept = numbersIn(await engine.ok(['logs', one]));
  t.equal(kept.at(-1), 500);
  t.ok(kept[0] > 1 && contiguous(kept));
  t.same(await logFiles(plain), ['ctr.log'], 'the default: one file that only grows');
  t.same(numbersIn(await engine.ok(['logs', plain])), Array.from({ length: 500 }, (_, i) => i + 1));
  await engine.ok(['rm', one, plain]);
});

t.test('logs -f follows across rotations without losing or repeating a line', async (t) => {
  // Each batch (about 30 KB) rotates the 20 KB file at least once; the container writes the next
  // batch only when the test saw the last line of this one, so the follower is never more than
  // one batch behind and nothing falls off the three files it keeps.
  const batch = 300;
  const script = `echo ready; for b in 1 2 3 4; do while [ ! -e /tmp/go-$b ]; do sleep 0.05; done; ${writeLines(`$(( (b-1)*${batch}+1 ))`, `$((b*${batch}))`)}; done`;
  const id = (await engine.ok(['run', '-d', '--log-opt', 'max-size=20k', '--log-opt', 'max-file=3', 'busybox', 'sh', '-c', script])).trim();
  const follower = spawn(process.execPath, [CLI, 'logs', '-f', id], { env: engine.env, stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => { if (follower.exitCode === null) follower.kill('SIGKILL'); });
  let out = '';
  follower.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | null>((resolve) => follower.on('close', resolve));
  await until('the follower to see ready', async () => out.includes('ready\n'));
  for (let b = 1; b <= 4; b++) {
    // Detached: after the last batch the container exits at once, and an attached exec whose
    // touch had made the file but not yet exited was killed with it (137, a clean-clone CI).
    await engine.ok(['exec', '-d', id, 'touch', `/tmp/go-${b}`]);
    await until(`batch ${b} to be followed`, async () => out.includes(`line ${b * batch} `));
  }
  t.equal(await exited, 0, 'logs -f ends when the container exits');
  t.same(numbersIn(out), Array.from({ length: 4 * batch }, (_, i) => i + 1), 'every line once, in order');
  t.ok((await logFiles(id)).includes('ctr.log.2'), 'the log did rotate while followed');
  await engine.ok(['rm', id]);
});

t.test('bad log options fail before anything is created', async (t) => {
  const r = await engine.berth(['run', '--log-opt', 'max-file=0', 'busybox', 'true']);
  t.equal(r.code, 125);
  t.match(r.stderr, /max-file cannot be less than 1/);
  const u = await engine.berth(['run', '--log-opt', 'compress=true', 'busybox', 'true']);
  t.match(u.stderr, /unknown log opt 'compress' for json-file log driver/);
});
