/** The volume store's sweep at start, on real dirs: trash and dead copy-ups go, a busy volume's copy stays. */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { Layout } from '../layout.js';
import { VolumeStore } from './store.js';

t.test('sweep', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-sweep-'));
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
  const layout = new Layout(path.join(dir, 'root'), path.join(dir, 'run'));
  const volumes = layout.volumesDir;
  for (const sub of ['a/_data', 'a/.copy-1/etc', 'b/_data', 'b/.copy-2/etc', '.trash-c-1234/_data']) {
    await fs.mkdir(path.join(volumes, sub), { recursive: true });
  }
  await fs.writeFile(path.join(volumes, 'b/_data/kept'), 'x');
  await new VolumeStore(layout).sweep(new Set(['a']));
  t.same((await fs.readdir(volumes)).sort(), ['a', 'b'], 'the trash is gone');
  t.same((await fs.readdir(path.join(volumes, 'a'))).sort(), ['.copy-1', '_data'], 'the busy volume keeps its copy in progress');
  t.same(await fs.readdir(path.join(volumes, 'b')), ['_data'], 'a copy no one can be making is dropped');
  t.same(await fs.readdir(path.join(volumes, 'b/_data')), ['kept'], 'data is untouched');
});
