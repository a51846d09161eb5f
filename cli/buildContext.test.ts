/** The context tar read back: small files (read whole) and a large one (streamed), a link, a dir, modes, .dockerignore. */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { readTar } from '../runtime/images/tarReader.js';
import { DEFAULT_LIMITS } from '../runtime/images/unpack.js';
import { contextTar } from './buildContext.js';

t.test('every kept entry with its bytes, mode and type', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ctxtar-'));
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
  const big = randomBytes((1 << 20) + 12345);
  await fs.mkdir(path.join(dir, 'data'));
  await fs.writeFile(path.join(dir, 'Dockerfile'), 'FROM busybox\n');
  await fs.writeFile(path.join(dir, 'data/small'), 'small\n', { mode: 0o640 });
  await fs.writeFile(path.join(dir, 'data/empty'), '');
  await fs.writeFile(path.join(dir, 'data/big'), big);
  await fs.writeFile(path.join(dir, 'data/skip.key'), 'no');
  await fs.writeFile(path.join(dir, '.dockerignore'), '**/*.key\n');
  await fs.symlink('data/small', path.join(dir, 'link'));
  for (const [rel, mode] of [['data', 0o755], ['Dockerfile', 0o644], ['.dockerignore', 0o644], ['data/big', 0o644], ['data/empty', 0o644], ['data/small', 0o640]] as const) {
    await fs.chmod(path.join(dir, rel), mode); // whatever the umask
  }
  const seen: Record<string, string> = {};
  for await (const { entry, body } of readTar(contextTar(dir, 'Dockerfile'), DEFAULT_LIMITS)) {
    const hash = createHash('sha256');
    for await (const chunk of body) hash.update(chunk);
    seen[entry.path.replace(/\/$/, '')] = `${entry.type} ${(entry.mode & 0o777).toString(8)} ${entry.type === 'symlink' ? entry.linkpath : hash.digest('hex').slice(0, 12)}`;
  }
  const sha = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex').slice(0, 12);
  t.same(seen, {
    '.dockerignore': `file 644 ${sha('**/*.key\n')}`,
    Dockerfile: `file 644 ${sha('FROM busybox\n')}`,
    data: 'dir 755 ' + sha(''),
    'data/big': `file 644 ${sha(big)}`,
    'data/empty': `file 644 ${sha('')}`,
    'data/small': `file 640 ${sha('small\n')}`,
    link: 'symlink 777 data/small',
  });
});
