/**
 * Issue 22, on kernels before Linux 6.8 (no fsconfig "lowerdir+"): overlay.c mounts through
 * mount(2), whose options the kernel copies in one page. The layers are named relative to their
 * common dir after a chdir there (as Docker's overlay2 does), which fits a stack whose absolute
 * paths would not; past the page, one clear error names the layer count and the limit. Driven
 * for real, through test/fixtures/overlayLegacy.c linked with runtime/native/overlay.c.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { gateFile, requiresCompiler, requiresNativeBinaries, requiresRoot } from '../helpers/gates.js';

gateFile(requiresRoot(), requiresCompiler(), requiresNativeBinaries());

const run = promisify(execFile);
const repo = (p: string) => fileURLToPath(new URL(`../../../${p}`, import.meta.url));
const PAGE = 4096;

const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-test-overlay-'));
const merged = path.join(dir, 'merged');
t.teardown(async () => {
  await run('umount', ['-l', merged]).catch(() => undefined);
  await fs.rm(dir, { recursive: true, force: true });
});
const layers = path.join(dir, 'layers');
const program = path.join(dir, 'overlayLegacy');
await run('cc', ['-O1', '-Wall', '-D_GNU_SOURCE', `-I${repo('runtime/native')}`, `-I${repo('dist/native/gen')}`, '-o', program,
  repo('test/fixtures/overlayLegacy.c'), repo('runtime/native/overlay.c')]);
for (let i = 0; i < 70; i++) {
  const layer = path.join(layers, i.toString(16).padStart(64, '0'));
  await fs.mkdir(path.join(layer, 'layers'), { recursive: true });
  await fs.writeFile(path.join(layer, 'layers', String(i)), `${i}\n`);
  await fs.writeFile(path.join(layer, 'top'), `${i}\n`);
}

const mountLegacy = async (count: number): Promise<string> => {
  for (const sub of ['upper', 'work', 'merged']) {
    await fs.rm(path.join(dir, sub), { recursive: true, force: true });
    await fs.mkdir(path.join(dir, sub));
  }
  const { stdout } = await run(program, [layers, String(count), path.join(dir, 'upper'), path.join(dir, 'work'), merged], { cwd: dir });
  return stdout;
};

t.test('60 layers whose absolute paths exceed a page mount, named relative to their dir', async (t) => {
  t.ok(60 * (layers.length + 66) > PAGE, 'absolute paths would not fit one page');
  t.equal(await mountLegacy(60), `ok ${await fs.realpath(dir)}\n`, 'mounted, back in the working dir it started in');
  t.teardown(() => run('umount', [merged]));
  t.equal((await fs.readdir(path.join(merged, 'layers'))).length, 60, 'every layer is seen');
  t.equal(await fs.readFile(path.join(merged, 'layers/0'), 'utf8'), '0\n', 'the lowest');
  t.equal(await fs.readFile(path.join(merged, 'layers/59'), 'utf8'), '59\n', 'the highest');
  t.equal(await fs.readFile(path.join(merged, 'top'), 'utf8'), '59\n', 'in order: the highest layer\'s file hides the lower ones\'');
});

t.test('past one page: one error naming the layer count and the limit', async (t) => {
  t.equal(await mountLegacy(70), `err 7 overlay mount options for 70 layers exceed one page (${PAGE} bytes), and this kernel has no "lowerdir+" (Linux 6.8) to mount them one by one\n`);
  t.equal((await fs.readdir(merged)).length, 0, 'nothing is mounted');
});
