/**
 * The daemon starts its embedded nats-server again when it dies: a real SIGKILL of the server,
 * then the same store (the container is still known), the same address and certificate, and a
 * CLI that is answered again without a second daemon being started.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { layoutFrom } from '../../runtime/layout.js';
import { readNatsInfo } from '../../nats/server/embedded.js';
import { alive, startEngine, until } from '../helpers/engine.js';

const execFileP = promisify(execFile);

t.test('a killed nats-server is started again by the daemon, on the same store', async (t) => {
  const engine = await startEngine(t);
  const layout = layoutFrom({ root: engine.root, runRoot: engine.runRoot });
  const before = (await readNatsInfo(layout))!;
  const id = (await engine.ok(['run', '-d', '--name', 'survivor', 'busybox', 'sleep', '300'])).trim();

  const killedAt = Date.now();
  process.kill(before.pid, 'SIGKILL');
  await until('the nats-server gone', async () => !alive(before.pid));
  await until('a new nats-server', async () => {
    const now = await readNatsInfo(layout);
    return now !== null && now.pid !== before.pid && alive(now.pid);
  });
  t.comment(`restarted at ${Date.now() - killedAt} ms`);
  const after = (await readNatsInfo(layout))!;
  t.equal(after.url, before.url, 'on the same address');
  t.equal(after.certificate, before.certificate, 'with the same certificate');

  // The CLI is answered by the same daemon again (BERTH_NO_AUTOSTART: no other could answer).
  await until('the CLI answered', async () => (await engine.berth(['ps', '-q', '--no-trunc'])).code === 0, 60_000);
  t.comment(`answered at ${Date.now() - killedAt} ms`);
  t.match(await engine.ok(['ps', '-q', '--no-trunc']), id, 'the container is still known: the same store');
  t.equal((await engine.inspect('survivor')).State.Status, 'running', 'and still running');
  t.equal((await engine.daemonInfo())?.pid, engine.daemon!.pid, 'the same daemon serves');
  const stopped = await engine.berth(['stop', '-t', '0', 'survivor']);
  t.equal(stopped.code, 0, `commands work again: ${stopped.stderr}`);
});

/**
 * Issue 22: a disk filled from outside the stream wedges nats-server 2.9's JetStream (the
 * process lives, JetStream answers nothing, even after space returns, and SIGTERM does not end
 * it). The daemon waits for room, then ends the server and starts it again on the same store.
 * The store here is a 64 MiB tmpfs of the test's own; the filler is a plain file beside it.
 */
t.test('a nats-server wedged by a full disk is started again once there is room', async (t) => {
  const engine = await startEngine(t, { daemon: false, image: false });
  const disk = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-test-disk-'));
  await execFileP('mount', ['-t', 'tmpfs', '-o', 'size=64m,mode=0700', 'tmpfs', disk]);
  t.teardown(async () => {
    await engine.destroy();
    await execFileP('umount', [disk]);
    await fs.rmdir(disk);
  });
  await fs.mkdir(engine.root, { recursive: true });
  await fs.symlink(disk, path.join(engine.root, 'nats'));
  await engine.startDaemon();
  await engine.importBusybox();
  const layout = layoutFrom({ root: engine.root, runRoot: engine.runRoot });
  const before = (await readNatsInfo(layout))!;
  const id = (await engine.ok(['run', '-d', '--name', 'kept', 'busybox', 'sleep', '300'])).trim();

  // Fill the disk, then ask for a write that needs new blocks: a create with 400 kB of labels
  // (one argument may hold 128 kB).
  const filler = path.join(disk, 'filler');
  await fs.writeFile(filler, Buffer.alloc(64 << 20)).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOSPC') throw error;
  });
  // Not awaited: it waits on the wedged server (its outcome, once the server is back, is the CLI's resend's).
  const big = engine.berth(['create', ...[1, 2, 3, 4].flatMap((n) => ['--label', `big${n}=${'x'.repeat(100 << 10)}`]), 'busybox', 'true'], { timeoutMs: 120_000 })
    .then((r) => `exit ${r.code}`, (error: Error) => error.message.slice(0, 200));
  const log = () => fs.readFile(path.join(engine.dir, 'berthd.log'), 'utf8');
  await until('the daemon waiting for room', async () => /the disk holding .* is full/.test(await log()), 30_000);
  t.equal((await readNatsInfo(layout))!.pid, before.pid, 'no new server while the disk is full');

  const freedAt = Date.now();
  await fs.rm(filler);
  await until('a new nats-server', async () => {
    const now = await readNatsInfo(layout);
    return now !== null && now.pid !== before.pid && alive(now.pid);
  }, 30_000);
  t.notOk(alive(before.pid), 'the wedged server is gone');
  await until('the CLI answered', async () => (await engine.berth(['ps', '-q', '--no-trunc'])).code === 0, 60_000);
  t.comment(`answered ${Date.now() - freedAt} ms after the room returned`);
  t.match(await engine.ok(['ps', '-aq', '--no-trunc']), id, 'the container recorded before is still known');
  t.equal((await engine.inspect('kept')).State.Status, 'running', 'and still running');
  t.equal((await engine.daemonInfo())?.pid, engine.daemon!.pid, 'the same daemon serves');
  const created = await engine.berth(['create', '--name', 'after', 'busybox', 'true']);
  t.equal(created.code, 0, `writes work again: ${created.stderr}`);
  t.comment(`the create sent while the disk was full: ${await big}`);
});
