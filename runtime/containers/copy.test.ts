/**
 * copyOut on real files: the archive appears whole or not at all. A path that is not there
 * fails before anything is written, and no temp file may be left. (CI once found one left: a
 * write stream opened its file after the failed copy had removed it. That race is closed by
 * opening the file first; it was too narrow to reproduce here at will.)
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { copyOut } from './copy.js';
import { waitFor } from '../../test/helpers/waitFor.js';

t.test('a failed copy out leaves no temp file; a good one leaves its archive', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-copy-'));
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
  const root = path.join(dir, 'root');
  await fs.mkdir(root);
  await fs.writeFile(path.join(root, 'here'), 'x');
  const out = path.join(dir, 'out');
  await fs.mkdir(out);
  // Many at once, so that some opens are still queued when their copy fails.
  const failures = await Promise.all(Array.from({ length: 200 }, (_, i) => copyOut(root, '/nope', false, path.join(out, `${i}.tar`)).then(() => null, (e: Error) => e)));
  t.ok(failures.every((e) => e && /nope/.test(e.message)), 'each failed, naming the path');
  // The last failures may still be removing their temp files when their promises settle.
  await waitFor(async () => (await fs.readdir(out)).length === 0, { what: 'the failed copies\' temp files to go', timeoutMs: 5000 }).catch(() => {});
  t.same(await fs.readdir(out), [], 'no temp file is left');
  const source = await copyOut(root, '/here', false, path.join(out, 'here.tar'));
  t.equal(source.name, 'here');
  t.same(await fs.readdir(out), ['here.tar'], 'a copy that succeeds leaves the archive alone');
});
