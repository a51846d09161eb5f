/**
 * An image's VOLUME entries (pulled from a real registry) become anonymous volumes, filled from
 * the image, unless the run mounts something there itself; rm -v and --rm take them away.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { makeBusyboxTar } from '../helpers/busybox.js';
import { startEngine } from '../helpers/engine.js';
import { pushLayout, startRegistry, writeOciLayout } from '../helpers/registry.js';
import { tarBuffer } from '../../runtime/images/tarWriter.js';
import { gateFile, requiresEngine, requiresRegistry } from '../helpers/gates.js';

gateFile(requiresEngine(), requiresRegistry());

const engine = await startEngine(t, { image: false });
const registry = await startRegistry(t, path.join(engine.dir, 'reg'));
const ref = `${registry.host}/test/withvolumes:v1`;
const busybox = path.join(engine.dir, 'busybox.tar');
await makeBusyboxTar(busybox);
const layout = path.join(engine.dir, 'oci');
await writeOciLayout(layout, 'v1', [{
  layers: [await fs.readFile(busybox), await tarBuffer([{ path: 'data/', type: 'dir' }, { path: 'data/seed', type: 'file', data: 'from the image\n' }])],
  config: { Volumes: { '/data': {}, '/cache/': {} } },
}]);
await pushLayout(layout, 'v1', ref);
await engine.ok(['pull', ref]);

const volumes = async () => (await engine.ok(['volume', 'ls', '-q'])).split('\n').filter(Boolean).sort();

t.test('each VOLUME gets an anonymous volume with the image\'s content', async (t) => {
  const id = (await engine.ok(['run', '-d', ref, 'sleep', '1000'])).trim();
  const mounts = (await engine.inspect(id)).Mounts as Array<{ Type: string; Name: string; Source: string; Destination: string; RW: boolean }>;
  t.same(mounts.map((m) => [m.Type, m.Destination, m.RW]).sort(), [['volume', '/cache', true], ['volume', '/data', true]]);
  t.ok(mounts.every((m) => m.Source === path.join(engine.root, 'volumes', m.Name, '_data')), 'inspect shows where the data lives');
  t.same((await volumes()).sort(), mounts.map((m) => m.Name).sort(), 'listed as volumes');
  t.equal(await engine.ok(['exec', id, 'cat', '/data/seed']), 'from the image\n', 'copied up from the image');
  await engine.ok(['exec', id, 'sh', '-c', 'echo kept > /data/new']);
  const data = mounts.find((m) => m.Destination === '/data')!.Name;
  t.equal(await fs.readFile(path.join(engine.root, 'volumes', data, '_data/new'), 'utf8'), 'kept\n', 'writes land in the volume');
  await engine.ok(['rm', '-f', '-v', id]);
  t.same(await volumes(), [], 'rm -v removes them');
});

t.test('a mount of the run\'s own takes the place of an image volume', async (t) => {
  const out = await engine.ok(['run', '--rm', '-v', 'mine:/data', ref, 'sh', '-c', 'cat /data/seed; grep -c " /cache " /proc/mounts']);
  t.equal(out, 'from the image\n1\n', 'the named volume is filled from the image; /cache is still a volume');
  t.same(await volumes(), ['mine'], '--rm removed the anonymous one, not the named one');
  await engine.ok(['volume', 'rm', 'mine']);
});
