/** The context index over real tar files: what a COPY's sources digest covers, and which tars it will not vouch for. */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pack } from 'tar-stream';
import t from 'tap';
import { indexContext, sourcesDigest } from './contextIndex.js';

type Entry = { name: string; type?: 'file' | 'directory' | 'symlink' | 'link'; body?: string; mode?: number; linkname?: string };

async function tarOf(entries: Entry[]): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ctxindex-'));
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
  const archive = pack();
  const chunks: Buffer[] = [];
  const collected = (async () => { for await (const chunk of archive) chunks.push(chunk as Buffer); })();
  for (const { body, type = body === undefined ? 'directory' : 'file', mode = type === 'directory' ? 0o755 : 0o644, ...rest } of entries) {
    const header = { ...rest, type, mode, mtime: new Date(Date.now() - Math.random() * 1e9) };
    if (body === undefined) archive.entry(header);
    else archive.entry(header, body);
  }
  archive.finalize();
  await collected;
  const file = path.join(dir, 'context.tar');
  await fs.writeFile(file, Buffer.concat(chunks));
  return file;
}

const base: Entry[] = [
  { name: 'Dockerfile', body: 'FROM busybox\n' },
  { name: 'data' },
  { name: 'data/a', body: 'a' },
  { name: 'data/sub' },
  { name: 'data/sub/b', body: 'b' },
  { name: 'run.sh', body: 'echo', mode: 0o755 },
  { name: 'link', type: 'symlink', linkname: 'run.sh' },
];
const changed = (name: string, over: Partial<Entry>) => base.map((e) => (e.name === name ? { ...e, ...over } : e));
const digest = async (entries: Entry[], sources: string[]) => sourcesDigest((await indexContext(await tarOf(entries), 'Dockerfile'))!, sources);

t.test('the digest covers the matched entries and all under a matched dir, not their times', async (t) => {
  const index = await indexContext(await tarOf(base), 'Dockerfile');
  t.ok(index);
  t.equal(index!.kept, 'FROM busybox\n', 'the Dockerfile\'s text');
  const data = await digest(base, ['data/']);
  t.equal(await digest(base, ['data/']), data, 'the same context (other mtimes) gives the same digest');
  t.not(await digest(changed('data/sub/b', { body: 'B' }), ['data/']), data, 'a changed file deep under the dir');
  t.not(await digest(changed('data/sub/b', { mode: 0o600 }), ['data/']), data, 'a changed mode');
  t.not(await digest([...base, { name: 'data/new', body: '' }], ['data/']), data, 'a new file');
  t.equal(await digest(changed('run.sh', { body: 'other' }), ['data/']), data, 'a file the COPY does not read');
  t.not(await digest(changed('run.sh', { body: 'other' }), ['.']), await digest(base, ['.']), 'the whole context');
  t.not(await digest(changed('link', { linkname: 'data' }), ['link']), await digest(base, ['link']), 'a link\'s target');
  t.not(await digest(base, ['data/a']), await digest(base, ['data/*']), 'what the sources match');
  t.equal(await digest(base, ['nothing']), null, 'no match: staging gives the error');
});

t.test('no index for a tar whose unpacking is more than a copy of its entries', async (t) => {
  t.equal(await indexContext(await tarOf([...base, { name: 'run.sh', body: 'again' }])), null, 'a path twice');
  t.equal(await indexContext(await tarOf([...base, { name: 'hard', type: 'link', linkname: 'run.sh' }])), null, 'a hard link');
  t.equal(await indexContext(await tarOf([...base, { name: 'data/.wh.a', body: '' }])), null, 'a whiteout name');
  t.equal(await indexContext(await tarOf([{ name: 'missing/parent', body: 'x' }])), null, 'a parent it lacks');
  const junk = path.join(path.dirname(await tarOf(base)), 'junk');
  await fs.writeFile(junk, 'not a tar at all, and long enough to be read as a header '.repeat(20));
  t.equal(await indexContext(junk), null, 'not a tar');
  t.equal(await indexContext(path.join(path.dirname(junk), 'absent')), null, 'no file');
});
