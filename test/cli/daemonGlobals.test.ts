/**
 * `berth daemon --root X --run-root Y`, as README writes it: the global options are accepted
 * after `daemon` too (issue 22: they were refused, accepted only before the verb).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { isAlive } from '../../runtime/processes.js';
import { makeBusyboxTar } from '../helpers/busybox.js';
import { runCaptured, until } from '../helpers/engine.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';

gateFile(requiresEngine());

const CLI = fileURLToPath(new URL('../../cli/main.cjs', import.meta.url));

t.test('berth daemon --root X --run-root Y starts a daemon there', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-test-'));
  const root = path.join(dir, 'root');
  const runRoot = path.join(dir, 'run');
  const env: NodeJS.ProcessEnv = { ...process.env, BERTH_BRIDGE: 'none' };
  for (const key of ['BERTH_ROOT', 'BERTH_RUN_ROOT', 'BERTH_NATS_URL', 'BERTH_HOST', 'NODE_EXTRA_CA_CERTS']) delete env[key];
  let stderr = '';
  const daemon = spawn(process.execPath, [CLI, 'daemon', '--root', root, '--run-root', runRoot, '--host-id', 'globals', '--bridge', 'none'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  daemon.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  t.teardown(async () => {
    if (daemon.pid && isAlive(daemon.pid)) daemon.kill('SIGTERM');
    await until('the daemon gone', async () => !daemon.pid || !isAlive(daemon.pid), 30_000).catch(() => daemon.kill('SIGKILL'));
    const nats = await fs.readFile(path.join(runRoot, 'nats.json'), 'utf8').then((s) => JSON.parse(s).pid as number, () => null);
    if (nats && isAlive(nats)) process.kill(nats, 'SIGTERM');
    if (nats) await until('its nats-server gone', async () => !isAlive(nats), 10_000).catch(() => {});
    await fs.rm(dir, { recursive: true, force: true });
  });
  await until('the daemon ready under the given run root', async () => {
    if (daemon.exitCode !== null) throw new Error(`the daemon exited ${daemon.exitCode}: ${stderr}`);
    const info = await fs.readFile(path.join(runRoot, 'berthd.json'), 'utf8').then((s) => JSON.parse(s), () => null);
    return info?.pid === daemon.pid;
  }, 60_000);
  t.pass('it runs with --root and --run-root given after the verb');
  t.equal((await fs.readFile(path.join(root, 'host-id'), 'utf8')).trim(), 'globals', 'its data root is the one given');

  // The verb runs the daemon inside the CLI's bundle, where every module's import.meta.url is the
  // bundle's: the C programs must still be found (they were looked for beside dist/, and every
  // container failed with "spawn …/native/berth-shim ENOENT").
  const cliEnv = { ...env, BERTH_ROOT: root, BERTH_RUN_ROOT: runRoot, BERTH_NO_AUTOSTART: '1' };
  const tar = path.join(dir, 'busybox.tar');
  await makeBusyboxTar(tar);
  const imported = await runCaptured(process.execPath, [CLI, 'import', tar, 'busybox'], { env: cliEnv, what: 'berth import' });
  t.equal(imported.code, 0, `an image is imported: ${imported.stderr}`);
  const ran = await runCaptured(process.execPath, [CLI, 'run', '--rm', '--network', 'none', 'busybox', 'echo', 'from the bundled daemon'], { env: cliEnv, what: 'berth run' });
  t.equal(ran.stdout, 'from the bundled daemon\n', `and a container runs: ${ran.stderr}`);
});
