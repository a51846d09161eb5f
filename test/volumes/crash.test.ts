/**
 * A daemon SIGKILLed in the middle of a volume's removal or of a copy-up (caught in the act by
 * watching the volume dirs) leaves the whole volume or none of it after the restart.
 */
import { spawn } from 'node:child_process';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { makeBusyboxRootfs } from '../helpers/busybox.js';
import { cgroupDirsOf, startEngine, until, type Engine } from '../helpers/engine.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';

gateFile(requiresEngine());

const CLI = fileURLToPath(new URL('../../cli/main.cjs', import.meta.url));
const engine = await startEngine(t);
const volumes = path.join(engine.root, 'volumes');

/** Starts a CLI command without waiting for it (its daemon is about to die). */
const launch = (e: Engine, args: string[]) => spawn(process.execPath, [CLI, ...args], { env: e.env, stdio: 'ignore' });

/** Polls `dir` until an entry matching `pattern` shows, then runs `first` and SIGKILLs the daemon; null if it never showed. */
async function killWhenSeen(dir: string, pattern: RegExp, done: () => boolean, first?: () => Promise<void>): Promise<string | null> {
  for (;;) {
    const seen = (await fs.readdir(dir).catch(() => [] as string[])).find((name) => pattern.test(name));
    if (seen) {
      await first?.();
      await engine.killDaemon('SIGKILL');
      return seen;
    }
    if (done()) return null;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const FILES = 20_000;

t.test('SIGKILL during volume rm: after the restart the volume is gone whole', async (t) => {
  await engine.ok(['volume', 'create', 'big']);
  const data = path.join(volumes, 'big/_data');
  for (let i = 0; i < FILES; i += 500) {
    await Promise.all(Array.from({ length: 500 }, (_, j) => fs.writeFile(path.join(data, `f${i + j}`), 'x')));
  }
  let exited = false;
  launch(engine, ['volume', 'rm', 'big']).on('exit', () => { exited = true; });
  const caught = await killWhenSeen(volumes, /^\.trash-big-/, () => exited);
  t.ok(caught, `the daemon was killed while ${caught} was being deleted`);
  await engine.startDaemon();
  t.same((await fs.readdir(volumes)).filter((name) => name.startsWith('.trash-') || name === 'big'), [], 'no trash and no half volume left');
  t.notMatch(await engine.ok(['volume', 'ls', '-q']), /^big$/m, 'and no record of it');
  await engine.ok(['volume', 'create', 'big']);
  t.same(await fs.readdir(data), [], 'the name starts afresh, empty');
  await engine.ok(['volume', 'rm', 'big']);
});

t.test('SIGKILL during a copy-up: the container comes up with the whole copy', async (t) => {
  const rootfs = path.join(engine.dir, 'seedy');
  await makeBusyboxRootfs(rootfs);
  await fs.mkdir(path.join(rootfs, 'seed'));
  for (let i = 0; i < FILES; i += 500) {
    await Promise.all(Array.from({ length: 500 }, (_, j) => fs.writeFile(path.join(rootfs, 'seed', `f${i + j}`), 'seed')));
  }
  const tar = path.join(engine.dir, 'seedy.tar');
  await promisify(execFile)('tar', ['--numeric-owner', '-C', rootfs, '-cf', tar, '.']);
  await engine.ok(['import', tar, 'seedy']);
  await engine.ok(['volume', 'create', 'fresh']);

  let exited = false;
  launch(engine, ['run', '-d', '--name', 'copier', '-v', 'fresh:/seed', 'seedy', 'sleep', '1000']).on('exit', () => { exited = true; });
  // The copy is held (its process stopped) until the restarted daemon is up, so the restart
  // surely finds the start unfinished: it must wait for it, not fail it.
  const held: number[] = [];
  const caught = await killWhenSeen(path.join(volumes, 'fresh'), /^\.copy-/, () => exited, async () => {
    const [id] = await fs.readdir(path.join(engine.root, 'containers'));
    for (const dir of await cgroupDirsOf(id!)) {
      for (const pid of (await fs.readFile(path.join(dir, 'cgroup.procs'), 'utf8').catch(() => '')).split('\n').filter(Boolean).map(Number)) {
        if (!held.includes(pid)) { process.kill(pid, 'SIGSTOP'); held.push(pid); }
      }
    }
  });
  t.ok(caught, `the daemon was killed while ${caught} was being filled`);
  t.ok(held.length > 0, 'the copy was held');
  await engine.startDaemon();
  t.equal((await engine.inspect('copier')).State.Status, 'starting', 'the restarted daemon waits for the unfinished start');
  for (const pid of held) process.kill(pid, 'SIGCONT');
  await until('the container to run', async () => (await engine.inspect('copier').catch(() => null))?.State?.Status === 'running', 60_000);
  t.equal((await fs.readdir(path.join(volumes, 'fresh/_data'))).length, FILES, 'every file is in the volume');
  t.equal((await engine.ok(['exec', 'copier', 'sh', '-c', 'ls /seed | wc -l'])).trim(), String(FILES), 'and seen inside');
  t.same((await fs.readdir(path.join(volumes, 'fresh'))), ['_data'], 'no copy left beside it');
  await engine.ok(['rm', '-f', 'copier']);
});
