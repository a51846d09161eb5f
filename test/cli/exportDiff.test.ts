/** export and diff through the real CLI, on a stopped container. */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { startEngine } from '../helpers/engine.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';

gateFile(requiresEngine());

const engine = await startEngine(t);
const CLI = fileURLToPath(new URL('../../cli/main.cjs', import.meta.url));

const tarList = async (file: string) => {
  const { execFileSync } = await import('node:child_process');
  return execFileSync('tar', ['-tvf', file]).toString();
};

t.test('diff lists A, C and D; export writes the merged rootfs', async (t) => {
  const script = 'echo changed >> /etc/passwd; rm /etc/group; mkdir /newdir; echo hi > /newdir/file; rm -rf /home';
  const id = (await engine.ok(['run', '-d', '--name', 'changer', 'busybox', 'sh', '-c', script])).trim();
  t.equal((await engine.ok(['wait', id])).trim(), '0');
  const diff = (await engine.ok(['diff', 'changer'])).split('\n').filter(Boolean);
  t.ok(diff.includes('C /etc'), diff.join('\n'));
  t.ok(diff.includes('C /etc/passwd'));
  t.ok(diff.includes('D /etc/group'));
  t.ok(diff.includes('A /newdir'));
  t.ok(diff.includes('A /newdir/file'));
  t.same([...diff].sort((a, b) => (a.slice(2) < b.slice(2) ? -1 : 1)), diff, 'sorted by path');

  const file = path.join(engine.dir, 'out.tar');
  t.equal(await engine.ok(['export', '-o', file, 'changer']), '');
  const listing = await tarList(file);
  t.match(listing, / newdir\/file\n/);
  t.match(listing, / etc\/passwd\n/);
  t.notMatch(listing, / etc\/group\n/, 'a deleted file is not exported');
  t.match(listing, / bin\/busybox\n/, 'the image layers are there');
  const { execFileSync } = await import('node:child_process');
  t.match(execFileSync('tar', ['-xOf', file, 'etc/passwd']).toString(), /changed\n$/);

  // To stdout when it is not a terminal.
  const piped = path.join(engine.dir, 'piped.tar');
  const out = await fs.open(piped, 'w');
  const code = await new Promise<number>((resolve) => {
    spawn(process.execPath, [CLI, 'container', 'export', id], { env: engine.env, stdio: ['ignore', out.fd, 'inherit'] }).on('close', (c) => resolve(c ?? 1));
  });
  await out.close();
  t.equal(code, 0);
  t.equal(await tarList(piped), listing, 'the same archive');
  t.same(await fs.readdir(engine.runRoot).then((names) => names.filter((n) => n.startsWith('export-'))), [], 'the temp file is gone');
  await engine.ok(['rm', id]);
});

t.test('diff of a created container is empty; errors', async (t) => {
  const id = (await engine.ok(['create', 'busybox', 'true'])).trim();
  t.equal(await engine.ok(['diff', id]), '');
  const missing = await engine.berth(['diff', 'nosuch']);
  // As the other single-container verbs here (logs, top): the daemon's error, exit 125.
  t.equal(missing.code, 125);
  t.match(missing.stderr, /nosuch/);
  const noExport = await engine.berth(['export', '-o', path.join(engine.dir, 'x.tar'), 'nosuch']);
  t.equal(noExport.code, 125);
  await engine.ok(['rm', id]);
});
