import t from 'tap';
import type { ImageRecord } from '../../events/image.js';
import { decideImage } from './decide.js';
import { evolveImage } from './evolve.js';
import { initialImageData, type ImageState } from './state.js';

const digest = `sha256:${'c'.repeat(64)}`;
const record: ImageRecord = {
  configDigest: digest, diffIds: [digest], chainIds: [digest], size: 10, tags: ['busybox:latest'],
  env: [], cmd: [], entrypoint: [], workingDir: '', created: '2026-01-01T00:00:00Z',
};

function present(): ImageState {
  const data = evolveImage(initialImageData({ id: 'c'.repeat(64), host: 'h' }), {
    type: 'image.imported', data: record, id: 'e', host: 'h', kind: 'image', entity: 'c'.repeat(64),
    time: 0, causation: 'c', correlation: 'c', attributes: {},
  });
  return { ...data, status: 'present' };
}

t.test('import, tag, untag and delete', async (t) => {
  t.same(decideImage({ ...initialImageData({ id: 'x', host: 'h' }), status: 'none' }, { type: 'Import', record }).map((d) => d.type), ['image.imported']);
  const state = present();
  t.same(state.tags, ['busybox:latest']);
  t.same(decideImage(state, { type: 'Import', record }), [], 'the same content and tag again changes nothing');
  t.same(decideImage(state, { type: 'Import', record: { ...record, tags: ['other:1'] } }), [{ type: 'image.tagged', data: { tag: 'other:1' } }]);
  t.same(decideImage(state, { type: 'Tag', tag: 'busybox:latest' }), []);
  t.same(decideImage(state, { type: 'Untag', tag: 'busybox:latest' }), [{ type: 'image.untagged', data: { tag: 'busybox:latest' } }]);
  t.same(decideImage(state, { type: 'Delete' }).map((d) => d.type), ['image.untagged', 'image.deleted']);
  t.throws(() => decideImage({ ...state, status: 'deleted' }, { type: 'Tag', tag: 'x:y' }), { name: 'NotFoundError' });
});

t.test('pulled, loaded and committed images arrive like imported ones', async (t) => {
  const none = { ...initialImageData({ id: 'x', host: 'h' }), status: 'none' as const };
  t.same(decideImage(none, { type: 'Pull', record }).map((d) => d.type), ['image.pulled']);
  t.same(decideImage(none, { type: 'Load', record }).map((d) => d.type), ['image.loaded']);
  t.same(decideImage(none, { type: 'Commit', record }).map((d) => d.type), ['image.committed']);
  t.same(decideImage(present(), { type: 'Commit', record: { ...record, tags: ['busybox:latest', 'mine:1'] } }), [{ type: 'image.tagged', data: { tag: 'mine:1' } }]);
  t.same(decideImage(present(), { type: 'Pull', record: { ...record, tags: ['busybox:latest', 'busybox:1'] } }), [{ type: 'image.tagged', data: { tag: 'busybox:1' } }]);
});

t.test('a push is recorded as the repository\'s RepoDigest, replacing an older one', async (t) => {
  const state = present();
  const pushed = decideImage(state, { type: 'RecordPush', tag: 'reg:5000/app:v1', digest });
  t.same(pushed, [{ type: 'image.pushed', data: { tag: 'reg:5000/app:v1', digest } }]);
  const event = (d: string) => ({ type: 'image.pushed' as const, data: { tag: 'reg:5000/app:v2', digest: d }, id: 'e', host: 'h', kind: 'image' as const, entity: state.id, time: 0, causation: 'c', correlation: 'c', attributes: {} });
  const once = evolveImage(state, event(digest));
  t.same(once.record?.repoDigests, [`reg:5000/app@${digest}`]);
  const other = `sha256:${'d'.repeat(64)}`;
  t.same(evolveImage(once, event(other)).record?.repoDigests, [`reg:5000/app@${other}`], 'one per repository: the latest push');
  t.throws(() => decideImage({ ...state, status: 'deleted' }, { type: 'RecordPush', tag: 'a:b', digest }), { name: 'NotFoundError' });
});
