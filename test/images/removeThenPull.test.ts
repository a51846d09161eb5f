/**
 * `rmi X` then `pull X` at once, against a real registry: the image's files were deleted in the
 * background after the removal was recorded, and a pull meanwhile found its big layer "already
 * there", recorded the image, and lost the layer to the deletion (with 20,000 files, 19 rounds in 20 before the
 * layer gate, actors/image/layerGate.ts). Each round here checks the image is whole: its layer
 * dirs are on disk and a container runs from it and sees every file.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { makeBusyboxTar } from '../helpers/busybox.js';
import { connectEngine, send } from '../helpers/bus.js';
import { startEngine } from '../helpers/engine.js';
import { pushLayout, startRegistry, writeOciLayout } from '../helpers/registry.js';
import { tarBuffer } from '../../runtime/images/tarWriter.js';
import { gateFile, requiresEngine, requiresRegistry } from '../helpers/gates.js';

gateFile(requiresEngine(), requiresRegistry());

const FILES = 5_000;
const ROUNDS = 3;

t.test('a pull right after the removal of the same image records it whole', async (t) => {
  const engine = await startEngine(t, { image: false });
  const registry = await startRegistry(t, path.join(engine.dir, 'reg'));
  const ref = `${registry.host}/test/many:v1`;
  const busybox = path.join(engine.dir, 'busybox.tar');
  await makeBusyboxTar(busybox);
  // A layer of many small files: deleting it takes long enough for the next request to come first.
  const many = await tarBuffer([{ path: 'd/', type: 'dir' }, ...Array.from({ length: FILES }, (_, i) => ({ path: `d/f${i}`, type: 'file' as const, data: `${i}\n` }))]);
  const layout = path.join(engine.dir, 'oci');
  await writeOciLayout(layout, 'v1', [{ layers: [await fs.readFile(busybox), many] }]);
  await pushLayout(layout, 'v1', ref);

  const nc = await connectEngine(engine);
  t.teardown(() => nc.close());
  const host = (await engine.daemonInfo())!.host;
  const request = async (body: Parameters<typeof send>[2]) => {
    const outcome = await send(nc, host, body);
    if (outcome.kind !== 'reply' || outcome.reply.ok !== true) throw new Error(`${body.op}: ${JSON.stringify(outcome)}`);
    return outcome.reply.result as { id: string; fetched?: number };
  };
  await request({ op: 'image.pull', ref });
  for (let round = 0; round < ROUNDS; round++) {
    await request({ op: 'image.remove', ref, force: false });
    const pulled = await request({ op: 'image.pull', ref });
    const record = JSON.parse(await engine.ok(['image', 'inspect', ref]))[0];
    t.equal(record.Id, `sha256:${pulled.id}`, `round ${round}: the image is recorded`);
    const layers = await fs.readdir(path.join(engine.root, 'images/layers'));
    t.equal(layers.filter((name) => !name.startsWith('.')).length, 2, `round ${round}: both layers are on disk`);
    t.equal((await engine.ok(['run', '--rm', ref, 'sh', '-c', 'ls /d | wc -l'])).trim(), String(FILES), `round ${round}: a container sees every file`);
  }
});
