/**
 * writeAtomically on real files: links at the names the old code used (<file>.tmp-<pid>,
 * <file>.partial-<pid>) or at the target itself are never written through; a failed write
 * leaves nothing.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { tempBeside, writeAtomically } from './atomicFile.js';

t.test('the temp file is fresh and random; the target link is replaced, not followed', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-atomic-'));
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
  const victim = path.join(dir, 'victim');
  await fs.writeFile(victim, 'precious\n');
  const file = path.join(dir, 'out.tar');
  for (const guess of [`${file}.tmp-${process.pid}`, `${file}.partial-${process.pid}`, file]) await fs.symlink(victim, guess);
  t.not(tempBeside(file), tempBeside(file), 'two temp names differ');
  t.equal(path.dirname(tempBeside(file)), dir, 'the temp file is beside the target');
  await writeAtomically(file, async (out) => { out.end('archive\n'); });
  t.equal(await fs.readFile(victim, 'utf8'), 'precious\n', 'the file a link named is untouched');
  t.equal(await fs.readFile(file, 'utf8'), 'archive\n');
  t.notOk((await fs.lstat(file)).isSymbolicLink(), 'the link at the target was replaced');
  await t.rejects(writeAtomically(path.join(dir, 'failed.tar'), async (out) => { out.write('half'); throw new Error('cut'); }), /cut/);
  t.same((await fs.readdir(dir)).sort(), ['out.tar', 'out.tar.partial-' + process.pid, 'out.tar.tmp-' + process.pid, 'victim'].sort(), 'a failed write leaves no file');
});
