/** Volume data and records survive a daemon SIGKILL; a removal or copy-up cut short leaves all or nothing. */
import fs from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { startEngine } from '../helpers/engine.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';

gateFile(requiresEngine());

const engine = await startEngine(t);
const names = async () => (await engine.ok(['volume', 'ls', '-q'])).split('\n').filter(Boolean).sort();

t.test('data, volumes and their users survive SIGKILL and restart', async (t) => {
  await engine.ok(['volume', 'create', '--label', 'a=b', 'durable']);
  const id = (await engine.ok(['run', '-d', '-v', 'durable:/data', '-v', '/anon', 'busybox', 'sh', '-c', 'echo written > /data/f; sleep 1000'])).trim();
  for (let i = 0; i < 100 && !(await fs.access(path.join(engine.root, 'volumes/durable/_data/f')).then(() => true, () => false)); i++) await new Promise((r) => setTimeout(r, 20));
  const before = await engine.ok(['volume', 'ls', '--format', 'json']);
  const inspectBefore = await engine.ok(['volume', 'inspect', 'durable']);

  await engine.killDaemon('SIGKILL');
  await engine.startDaemon();

  t.equal(await engine.ok(['volume', 'ls', '--format', 'json']), before, 'the same volumes');
  t.equal(await engine.ok(['volume', 'inspect', 'durable']), inspectBefore, 'with the same labels and users');
  t.match((await engine.berth(['volume', 'rm', 'durable'])).stderr, /volume is in use/, 'still in use after the restart');
  await engine.ok(['rm', '-f', '-v', id]);
  t.equal(await engine.ok(['run', '--rm', '-v', 'durable:/data', 'busybox', 'cat', '/data/f']), 'written\n');
  t.same(await names(), ['durable'], 'rm -v took the anonymous volume with it');
});

t.test('a removal or a copy-up cut short by a crash is finished or undone at start', async (t) => {
  await engine.ok(['volume', 'create', 'whole']);
  await engine.ok(['run', '--rm', '-v', 'whole:/data', 'busybox', 'sh', '-c', 'echo kept > /data/f']);
  await engine.killDaemon('SIGKILL');
  // What a crash leaves: a volume renamed into the trash but not deleted yet, and half a copy-up.
  const volumes = path.join(engine.root, 'volumes');
  await fs.mkdir(path.join(volumes, '.trash-gone-1234/_data'), { recursive: true });
  await fs.writeFile(path.join(volumes, '.trash-gone-1234/_data/half'), 'x');
  await fs.mkdir(path.join(volumes, 'whole/.copy-99/etc'), { recursive: true });
  await engine.startDaemon();
  t.same((await fs.readdir(volumes)).sort(), ['durable', 'whole'], 'the trash is deleted');
  t.same(await fs.readdir(path.join(volumes, 'whole')), ['_data'], 'the half copy is dropped');
  t.equal(await engine.ok(['run', '--rm', '-v', 'whole:/data', 'busybox', 'cat', '/data/f']), 'kept\n', 'the volume is whole');
  t.same(await names(), ['durable', 'whole']);
});

t.test('a volume whose removal was recorded but not carried out is deleted at start', async (t) => {
  await engine.ok(['volume', 'create', 'doomed']);
  await engine.ok(['volume', 'rm', 'doomed']);
  await engine.killDaemon('SIGKILL');
  // The crash came between the removed event and the delete: the files are still there.
  await fs.mkdir(path.join(engine.root, 'volumes/doomed/_data'), { recursive: true });
  await fs.writeFile(path.join(engine.root, 'volumes/doomed/_data/f'), 'x');
  await engine.startDaemon();
  // Reconciled before the daemon is ready. (A dir with data and no record at all would be kept,
  // by design: here the record says removed.)
  t.notOk(await fs.access(path.join(engine.root, 'volumes/doomed')).then(() => true, () => false), 'deleted whole');
  t.equal(await engine.ok(['volume', 'create', 'doomed']), 'doomed\n', 'the name can be used again');
  t.same(await fs.readdir(path.join(engine.root, 'volumes/doomed/_data')), [], 'and it starts empty');
});
