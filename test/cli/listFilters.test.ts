/** ps --filter before/since and images --filter/--digests/--no-trunc through the real CLI. */
import fs from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { startEngine } from '../helpers/engine.js';
import { tarBuffer } from '../../runtime/images/tarWriter.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';

gateFile(requiresEngine());

const engine = await startEngine(t);

t.test('ps before and since name a container, stopped or not', async (t) => {
  const first = (await engine.ok(['run', '-d', '--name', 'first', 'busybox', 'sleep', '1000'])).trim();
  await engine.ok(['run', '--name', 'middle', 'busybox', 'true']);
  const last = (await engine.ok(['run', '-d', '--name', 'last', 'busybox', 'sleep', '1000'])).trim();
  t.equal(await engine.ok(['ps', '-q', '--no-trunc', '--filter', 'since=middle']), `${last}\n`, 'running ones only without -a');
  t.equal(await engine.ok(['ps', '-q', '--no-trunc', '--filter', 'before=middle']), `${first}\n`);
  t.equal(await engine.ok(['ps', '-a', '--format', '{{.Names}}', '--filter', 'since=first', '--filter', 'before=last']), 'middle\n');
  const missing = await engine.berth(['ps', '--filter', 'before=nosuch']);
  t.equal(missing.code, 125);
  t.match(missing.stderr, /No such container: nosuch/);
  await engine.ok(['rm', '-f', 'first', 'middle', 'last']);
});

t.test('images: dangling and reference filters, --no-trunc, --digests', async (t) => {
  const tar = path.join(engine.dir, 'd.tar');
  await fs.writeFile(tar, await tarBuffer([{ path: 'x', type: 'file', data: 'x\n' }]));
  const dangling = (await engine.ok(['import', tar])).trim();
  await engine.ok(['tag', 'busybox', 'team/tool:1']);
  t.equal(await engine.ok(['images', '-q', '--no-trunc', '--filter', 'dangling=true']), `${dangling}\n`);
  t.equal(await engine.ok(['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', '--filter', 'reference=team/*']), 'team/tool:1\n');
  const table = await engine.ok(['images', '--digests', '--filter', 'reference=busybox']);
  t.match(table, /^REPOSITORY +TAG +DIGEST +IMAGE ID +CREATED +SIZE\nbusybox +latest +<none> +[a-f0-9]{12} /);
  const bad = await engine.berth(['images', '--filter', 'dangling=maybe']);
  t.equal(bad.code, 125);
  await engine.ok(['rmi', 'team/tool:1', dangling]);
});

t.test('ps -s and inspect -s: what the container wrote, and with its image', async (t) => {
  await engine.ok(['run', '--name', 'writer', 'busybox', 'sh', '-c', 'dd if=/dev/zero of=/blob bs=1000 count=50 2>/dev/null']);
  const table = await engine.ok(['ps', '-a', '-s']);
  t.match(table, /NAMES +SIZE\n/);
  t.match(table, /writer +50kB \(virtual [\d.]+MB\)\n/);
  t.equal(await engine.ok(['ps', '-a', '--size', '--format', '{{.Size}}', '--filter', 'name=writer']), table.match(/50kB \(virtual [\d.]+MB\)/)![0] + '\n');
  const [sized] = JSON.parse(await engine.ok(['inspect', '-s', 'writer']));
  t.equal(sized.SizeRw, 50_000);
  t.ok(sized.SizeRootFs > 50_000);
  t.notOk('SizeRw' in (await engine.inspect('writer')), 'only when asked');
  const [image] = JSON.parse(await engine.ok(['image', 'inspect', 'busybox']));
  t.equal(image.Id, (await engine.ok(['images', '-q', '--no-trunc', 'busybox'])).trim(), 'image inspect, and images REPOSITORY');
  const notImage = await engine.berth(['image', 'inspect', 'writer']);
  t.equal(notImage.code, 1, 'a container is not an image');
  await engine.ok(['rm', 'writer']);
});
