import t from 'tap';
import type { ImageRecord } from '../../events/image.js';
import { commitConfig } from './commitConfig.js';
import { parseChange } from './configChanges.js';

const diff = (c: string) => `sha256:${c.repeat(64)}`;
const parentBlob = {
  created: '2024-01-01T00:00:00Z', author: 'someone else', architecture: 'amd64', os: 'linux',
  config: { Env: ['PATH=/bin'], Entrypoint: ['/entry'], Cmd: ['serve'], WorkingDir: '/', Labels: { from: 'image' }, ExposedPorts: { '80/tcp': {} } },
  rootfs: { type: 'layers' as const, diff_ids: [diff('a')] },
  history: [{ created: '2024-01-01T00:00:00Z', created_by: 'ADD rootfs' }],
};
const parent = { entrypoint: ['/entry'], cmd: ['serve'], user: '', labels: { from: 'image' } } as unknown as ImageRecord;
const container = { cmd: ['/entry', 'serve', '--debug'], entrypoint: ['/entry'], env: ['PATH=/bin', 'A=1'], workingDir: '/srv', labels: { run: 'label' } };
const meta = { created: '2025-02-02T00:00:00Z', container: 'c'.repeat(64), changes: [], diffId: diff('b') };

t.test('the parent config with what the container ran, a history entry and a diff id', async (t) => {
  const blob = commitConfig(parentBlob, parent, container, { ...meta, comment: 'msg', author: 'me' });
  t.same(blob.config, {
    Env: ['PATH=/bin', 'A=1'], Entrypoint: ['/entry'], Cmd: ['serve', '--debug'], WorkingDir: '/srv', User: '',
    Labels: { from: 'image', run: 'label' }, ExposedPorts: { '80/tcp': {} },
  });
  t.same(blob.rootfs.diff_ids, [diff('a'), diff('b')]);
  t.same(blob.history, [parentBlob.history[0], { created: meta.created, author: 'me', created_by: '/entry serve --debug', comment: 'msg' }]);
  t.same([blob.created, blob.author, blob.container, blob.architecture], [meta.created, 'me', meta.container, 'amd64']);
});

t.test('no author drops the parent\'s; an empty upper dir is an empty_layer step', async (t) => {
  const blob = commitConfig(parentBlob, parent, container, { ...meta, diffId: null });
  t.equal(blob.author, undefined);
  t.same(blob.rootfs.diff_ids, [diff('a')]);
  t.equal((blob.history!.at(-1) as { empty_layer?: boolean }).empty_layer, true);
});

t.test('the argv split at the entrypoint; changes last', async (t) => {
  const old = { ...container, entrypoint: undefined };
  t.same(commitConfig(parentBlob, parent, old, meta).config?.Cmd, ['serve', '--debug'], 'an old container: the image\'s entrypoint');
  const overridden = { ...container, cmd: ['sh', '-c', 'x'], entrypoint: [] };
  const blob = commitConfig(parentBlob, parent, overridden, meta);
  t.same([blob.config?.Entrypoint, blob.config?.Cmd], [null, ['sh', '-c', 'x']], '--entrypoint \'\' was cleared');
  const changed = commitConfig(parentBlob, parent, container, { ...meta, changes: [parseChange('CMD ["x"]'), parseChange('USER nobody')] });
  t.same([changed.config?.Cmd, changed.config?.User], [['x'], 'nobody']);
});

t.test('a given Config takes the changes and is merged over the container\'s (the API\'s body)', async (t) => {
  const blob = commitConfig(parentBlob, parent, container, { ...meta, config: { Cmd: ['other'], Env: ['B=2'], Labels: { given: 'yes' } }, changes: [parseChange('ENV C=3')] });
  t.same(blob.config, {
    Env: ['B=2', 'C=3', 'PATH=/bin', 'A=1'], Entrypoint: ['/entry'], Cmd: ['other'], WorkingDir: '/srv', User: '',
    Labels: { from: 'image', run: 'label', given: 'yes' }, ExposedPorts: { '80/tcp': {} }, Volumes: null,
  });
});
