/** info, system df and the prune verbs through the real CLI, against what the engine holds. */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { startEngine } from '../helpers/engine.js';
import { tarBuffer } from '../../runtime/images/tarWriter.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';

gateFile(requiresEngine());

const engine = await startEngine(t);
const CLI = fileURLToPath(new URL('../../cli/main.cjs', import.meta.url));

/** The CLI with `input` on stdin. */
function answered(args: string[], input: string): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: engine.env, stdio: ['pipe', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.on('close', (code) => resolve({ code: code ?? 1, stdout }));
    child.stdin.end(input);
  });
}

t.test('info counts what the engine holds and tells about the machine', async (t) => {
  await engine.ok(['run', '-d', '--name', 'up', 'busybox', 'sleep', '1000']);
  await engine.ok(['run', '--name', 'done', 'busybox', 'true']);
  const text = await engine.ok(['info']);
  t.match(text, / Containers: 2\n  Running: 1\n  Paused: 0\n  Stopped: 1\n Images: 1\n/);
  t.match(text, / ID: testhost\n/);
  t.match(text, new RegExp(` Root Dir: ${engine.root}\n`));
  t.match(text, / Durability: one copy: an acknowledged event survives a crash of any process, not a power cut/, 'the single-node guarantee');
  const cgroup = await fs.access('/sys/fs/cgroup/cgroup.controllers').then(() => '2', () => '1');
  t.match(text, ` Cgroup Version: ${cgroup}\n`);
  const json = JSON.parse(await engine.ok(['system', 'info', '--format', 'json']));
  t.match(json, { ID: 'testhost', Containers: 2, ContainersRunning: 1, Images: 1, OSType: 'linux', Driver: 'overlay', Durability: { replicas: 1, setup: 'single' } });
  t.equal(json.NCPU > 0 && json.MemTotal > 0, true);
  t.equal(await engine.ok(['info', '-f', '{{.ServerVersion}} {{.ContainersStopped}}']), '0.1.0 1\n');
});

t.test('system df: sizes of layers (shared ones once), container writes and volumes', async (t) => {
  await engine.ok(['run', '--name', 'writer', '-v', 'dfvol:/data', 'busybox', 'sh', '-c', 'dd if=/dev/zero of=/big bs=1000 count=1000 2>/dev/null; dd if=/dev/zero of=/data/v bs=1000 count=300 2>/dev/null']);
  await engine.ok(['tag', 'busybox', 'second:tag']);
  const rows = (await engine.ok(['system', 'df', '--format', 'json'])).trim().split('\n').map((l) => JSON.parse(l));
  t.same(rows.map((r) => r.Type), ['Images', 'Containers', 'Local Volumes']);
  t.match(rows[0], { TotalCount: 1, Active: 1 }, 'one image under two tags, used');
  t.match(rows[1], { TotalCount: 3, Active: 1, Size: '1MB', Reclaimable: '1MB (100%)' }, 'the writer\'s 1 MB, reclaimable as it is not running');
  t.match(rows[2], { TotalCount: 1, Active: 1, Size: '300kB', Reclaimable: '0B (0%)' });
  const table = await engine.ok(['system', 'df']);
  t.match(table, /^TYPE +TOTAL +ACTIVE +SIZE +RECLAIMABLE\nImages +1 +1 /);
  const verbose = await engine.ok(['system', 'df', '-v']);
  t.match(verbose, /Containers space usage:\n\nCONTAINER ID +IMAGE +SIZE +STATUS +NAMES\n/);
  t.match(verbose, /dfvol +1 +300kB/);
  await engine.ok(['rmi', 'second:tag']);
});

t.test('prune: asks first; removes stopped containers, dangling images and, with --volumes, unused anonymous volumes', async (t) => {
  const tar = path.join(engine.dir, 'dangling.tar');
  await fs.writeFile(tar, await tarBuffer([{ path: 'hello', type: 'file', data: 'dangling\n' }]));
  const dangling = (await engine.ok(['import', tar])).trim().replace(/^sha256:/, '');
  await engine.ok(['create', '-v', '/anon', 'busybox', 'true']);
  const anonymous = (await engine.ok(['volume', 'ls', '-q'])).split('\n').filter((n) => /^[a-f0-9]{64}$/.test(n));
  t.equal(anonymous.length, 1);

  const declined = await answered(['system', 'prune'], 'n\n');
  t.same([declined.code, declined.stdout], [0, ''], 'no: nothing removed');
  t.equal((await engine.ok(['ps', '-aq'])).split('\n').filter(Boolean).length, 4);

  const pruned = await answered(['system', 'prune', '--volumes'], 'y\n');
  t.equal(pruned.code, 0);
  t.match(pruned.stdout, /^Deleted Containers:\n([a-f0-9]{64}\n){3}\n/, 'done, writer and the created one');
  t.match(pruned.stdout, `Deleted Volumes:\n${anonymous[0]}\n`);
  t.match(pruned.stdout, `Deleted Images:\ndeleted: sha256:${dangling}\n`);
  t.match(pruned.stdout, /Total reclaimed space: [\d.]+[kM]?B\n$/);
  t.equal((await engine.ok(['ps', '-aq'])).split('\n').filter(Boolean).length, 1, 'the running one stays');
  t.equal(await engine.ok(['volume', 'ls', '-q']), 'dfvol\n', 'a named volume stays');
  t.equal((await engine.ok(['images', '-q'])).split('\n').filter(Boolean).length, 1, 'busybox stays: a container uses it');

  await engine.ok(['run', '--name', 'again', 'busybox', 'true']);
  t.match(await engine.ok(['container', 'prune', '-f']), /^Deleted Containers:\n[a-f0-9]{64}\n\nTotal reclaimed space/);
  await engine.ok(['tag', 'busybox', 'spare:1']);
  t.equal(await engine.ok(['image', 'prune', '-f']), 'Total reclaimed space: 0B\n', 'no dangling image');
  await engine.ok(['rm', '-f', 'up']);
  const all = await engine.ok(['image', 'prune', '-a', '-f']);
  t.match(all, /^Deleted Images:\nuntagged: busybox:latest\nuntagged: spare:1\ndeleted: sha256:[a-f0-9]{64}\n\nTotal reclaimed space: [\d.]+MB\n$/, 'unused now: removed with -a');
  t.equal(await engine.ok(['images', '-q']), '');
  await engine.importBusybox();
});

t.test('system events is events', async (t) => {
  const events = await engine.ok(['system', 'events', '--since', '10m', '--until', '0s', '--filter', 'event=destroy', '--format', 'json']);
  t.ok(events.split('\n').filter(Boolean).length >= 4, 'the pruned containers\' destroy events');
  const templated = await engine.ok(['events', '--since', '10m', '--until', '0s', '--filter', 'event=destroy', '--format', '{{.Type}} {{.Action}} {{.Actor.Attributes.name}}']);
  t.ok(templated.split('\n').includes('container destroy done'), 'a template over Docker\'s record');
});
