/**
 * Issue 22: an image of 130 layers (Docker's limit is 128) runs. The overlay is mounted one layer
 * at a time (fsconfig "lowerdir+"), so the one-page limit of mount(2)'s options no longer caps the
 * layer count (it stopped images at about 40 layers). The lowest and the highest layer are both
 * seen, and a whiteout in a middle layer still hides its file; `cp` out of a stopped container
 * (the shim's rootfs mode) mounts the same overlay.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { startEngine } from '../helpers/engine.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';
import { writeManyLayersLayout } from '../helpers/manyLayers.js';

gateFile(requiresEngine());

const LAYERS = 130;

t.test(`an image of ${LAYERS} layers runs, with every layer and its whiteouts`, async (t) => {
  const engine = await startEngine(t, { image: false });
  const layout = path.join(engine.dir, 'many');
  await writeManyLayersLayout(layout, 'v1', LAYERS);
  t.match(await engine.ok(['load', '-i', layout]), /^Loaded image/);
  const id = (await engine.ok(['images', '-q'])).trim();
  t.equal((await engine.inspect(id)).RootFS.Layers.length, LAYERS, `the image has ${LAYERS} layers`);
  await engine.ok(['tag', id, 'many:layers']);

  t.equal(await engine.ok(['run', '--rm', 'many:layers']), 'lowest\nhighest\n', 'the lowest and the highest layer are seen');
  t.equal(await engine.ok(['run', '--rm', 'many:layers', 'sh', '-c', 'ls /layers | wc -l; cat /layers/2 /layers/129']), `${LAYERS - 2}\n2\n129\n`,
    'every layer between them too');
  const gone = await engine.berth(['run', '--rm', 'many:layers', 'ls', '/gone']);
  t.not(gone.code, 0, 'the file a middle layer whited out is hidden');
  t.match(gone.stderr + gone.stdout, /No such file/);

  const created = (await engine.ok(['create', 'many:layers', 'sh', '-c', 'echo written > /upper'])).trim();
  await engine.ok(['start', '-a', created]);
  const out = path.join(engine.dir, 'out');
  await fs.mkdir(out);
  await engine.ok(['cp', `${created}:/highest`, out]);
  await engine.ok(['cp', `${created}:/upper`, out]);
  t.equal(await fs.readFile(path.join(out, 'highest'), 'utf8'), 'highest\n', 'cp out of the stopped container sees the highest layer');
  t.equal(await fs.readFile(path.join(out, 'upper'), 'utf8'), 'written\n', 'and its own writes');
  await engine.ok(['rm', created]);
});
