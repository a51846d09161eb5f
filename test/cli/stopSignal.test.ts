/** The stop signal through the real CLI: stop -s, run --stop-signal, the image's StopSignal, restart -s. */
import fs from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { startEngine, until } from '../helpers/engine.js';
import { writeOciLayout } from '../helpers/registry.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';

gateFile(requiresEngine());

const engine = await startEngine(t);
/** A shell that reports which signal ended it, by its output and exit code. */
const TRAPS = 'trap "echo usr1; exit 11" USR1; trap "echo usr2; exit 12" USR2; trap "echo term; exit 15" TERM; echo ready; while true; do sleep 0.1; done';

async function started(name: string): Promise<void> {
  await until(`${name} to set its traps`, async () => (await engine.ok(['logs', name])).includes('ready'));
}
const exitCode = async (name: string) => (await engine.ok(['inspect', '-f', '{{.State.ExitCode}}', name])).trim();

t.test('stop sends SIGTERM by default, and the signal -s names', async (t) => {
  await engine.ok(['run', '-d', '--name', 'plain', 'busybox', 'sh', '-c', TRAPS]);
  await started('plain');
  t.equal(await engine.ok(['stop', 'plain']), 'plain\n');
  t.equal(await exitCode('plain'), '15');
  await engine.ok(['start', 'plain']);
  await until('the second run', async () => (await engine.ok(['logs', 'plain'])).split('ready').length === 3);
  await engine.ok(['stop', '-s', 'USR1', 'plain']);
  t.equal(await exitCode('plain'), '11');
  t.match(await engine.ok(['logs', 'plain']), /usr1\n$/);
  const bad = await engine.berth(['stop', '-s', 'NOPE', 'plain']);
  t.equal(bad.code, 125);
  t.match(bad.stderr, /invalid signal: NOPE/);
  await engine.ok(['rm', 'plain']);
});

t.test('run --stop-signal is the container\'s; restart -s overrides it', async (t) => {
  await engine.ok(['run', '-d', '--name', 'own', '--stop-signal', 'usr2', 'busybox', 'sh', '-c', TRAPS]);
  t.equal((await engine.inspect('own')).Config.StopSignal, 'SIGUSR2');
  await started('own');
  await engine.ok(['stop', 'own']);
  t.equal(await exitCode('own'), '12');
  await engine.ok(['start', 'own']);
  await until('the second run', async () => (await engine.ok(['logs', 'own'])).split('ready').length === 3);
  await engine.ok(['restart', '-s', 'USR1', 'own']);
  t.match(await engine.ok(['logs', 'own']), /usr1\n/, 'the restart stopped it with USR1');
  await engine.ok(['rm', '-f', 'own']);
});

t.test('the image\'s StopSignal applies when no flag names one', async (t) => {
  const layout = path.join(engine.dir, 'oci');
  await writeOciLayout(layout, 'v1', [{ layers: [await fs.readFile(path.join(engine.dir, 'busybox.tar'))], config: { StopSignal: 'SIGUSR1' } }]);
  const id = /sha256:([a-f0-9]{64})/.exec(await engine.ok(['load', '-i', layout]))![1]!;
  await engine.ok(['run', '-d', '--name', 'fromimage', id, 'sh', '-c', TRAPS]);
  t.equal((await engine.inspect('fromimage')).Config.StopSignal, 'SIGUSR1');
  await started('fromimage');
  await engine.ok(['stop', 'fromimage']);
  t.equal(await exitCode('fromimage'), '11');
  await engine.ok(['rm', 'fromimage']);
});
