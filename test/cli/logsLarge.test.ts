/**
 * `logs … | head` and `run … | head` end quietly when head stops reading. (A 300k-line log is read whole by
 * runtime/containers/logReader.test.ts; through the engine, a container printing 300k lines
 * took the daemon down here, a separate fault.)
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { startEngine, until } from '../helpers/engine.js';

const run = promisify(execFile);
const engine = await startEngine(t);
const CLI = fileURLToPath(new URL('../../cli/main.cjs', import.meta.url));

t.test('a 20k-line log, whole and through head', async (t) => {
  await engine.ok(['run', '-d', '--name', 'many', 'busybox', 'seq', '20000']);
  await until('many exited', async () => (await engine.inspect('many')).State.Status === 'exited', 120_000);
  const all = await engine.berth(['logs', 'many'], { timeoutMs: 300_000 });
  t.equal(all.code, 0, all.stderr);
  const lines = all.stdout.split('\n');
  t.equal(lines.length, 20_001, 'every line, and a final newline');
  t.equal(lines[19_999], '20000');
  const piped = await run('sh', ['-c', `"${process.execPath}" "${CLI}" logs many | head -n 2; echo "status \${PIPESTATUS:-done}"`], { env: engine.env, timeout: 300_000 });
  t.equal(piped.stdout, '1\n2\nstatus done\n');
  t.notMatch(piped.stderr, /EPIPE|Error|at /, 'no stack trace when head stops reading');
});

t.test('run … | head ends quietly when head stops reading', async (t) => {
  const piped = await run('sh', ['-c', `"${process.execPath}" "${CLI}" run --rm busybox seq 200000 | head -n 2; echo "status \${PIPESTATUS:-done}"`], { env: engine.env, timeout: 300_000 });
  t.equal(piped.stdout, '1\n2\nstatus done\n');
  t.notMatch(piped.stderr, /EPIPE|Error|at /, `no stack trace when head stops reading (${piped.stderr.slice(0, 300)})`);
});
