import t from 'tap';
import { cleanSource, matchSource } from './glob.js';
import { imageKey, stepKey } from './cacheKey.js';
import type { ConfigBlob } from './stageState.js';

t.test('sources: cleaned inside the root, globs per segment as Go\'s filepath.Match', async (t) => {
  t.equal(cleanSource('../../etc/passwd'), 'etc/passwd');
  t.equal(cleanSource('./src/'), 'src');
  t.equal(cleanSource('.'), '');
  const paths = ['a.txt', 'b.txt', 'c.md', 'src', 'src/x.txt', 'src/sub', 'src/sub/y.txt'];
  t.same(matchSource(paths, '*.txt'), ['a.txt', 'b.txt']);
  t.same(matchSource(paths, 'src/*.txt'), ['src/x.txt'], 'a star stays in its segment');
  t.same(matchSource(paths, '[ab].txt'), ['a.txt', 'b.txt']);
  t.same(matchSource(paths, '[!a].txt'), ['b.txt']);
  t.same(matchSource(paths, '?.md'), ['c.md']);
  t.same(matchSource(paths, 'src'), ['src']);
  t.same(matchSource(paths, 'nothing'), []);
  t.same(matchSource(paths, '.'), [''], 'the root itself');
});

t.test('cache keys: times do not count; the parent, the work and the content do', async (t) => {
  const blob = (created: string, env: string[]): ConfigBlob => ({
    created, architecture: 'amd64', os: 'linux', config: { Env: env }, rootfs: { type: 'layers', diff_ids: [] },
    history: [{ created, created_by: 'ENV A=1 # buildkit', empty_layer: true }],
  });
  const work = { kind: 'run' as const, argv: ['sh', '-c', 'true'], env: [], workingDir: '/', user: '', createdBy: 'RUN true' };
  t.equal(stepKey(blob('2020', ['A=1']), work, {}), stepKey(blob('2026', ['A=1']), work, {}));
  t.not(stepKey(blob('2020', ['A=1']), work, {}), stepKey(blob('2020', ['A=2']), work, {}));
  t.not(stepKey(blob('2020', []), work, {}), stepKey(blob('2020', []), { ...work, env: ['X=1'] }, {}), 'an ARG value in the env counts');
  const copy = { kind: 'copy' as const, add: false, sources: ['a'], dest: '/a', createdBy: 'COPY a /a' };
  t.not(stepKey(blob('2020', []), copy, { contentDigest: 'x' }), stepKey(blob('2020', []), copy, { contentDigest: 'y' }));
  t.equal(imageKey(blob('2020', [])), imageKey(blob('2021', [])));
});
