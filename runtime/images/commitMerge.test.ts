import t from 'tap';
import { mergeCommitConfig } from './commitMerge.js';

const container = {
  Cmd: ['serve'], Entrypoint: ['/entry'], Env: ['PATH=/bin', 'A=1'], Labels: { from: 'container', both: 'container' },
  ExposedPorts: { '80/tcp': {} }, Volumes: { '/data': {} }, WorkingDir: '/srv', User: 'app', StopSignal: 'SIGQUIT', Healthcheck: { Test: ['NONE'] },
};

t.test('an empty config is the container\'s', async (t) => {
  t.same(mergeCommitConfig({}, container), container);
});

t.test('what the given config sets wins; the container fills in the rest (Docker\'s merge)', async (t) => {
  const merged = mergeCommitConfig({
    Cmd: ['run'], Env: ['A=2', 'B=3'], Labels: { both: 'given', own: 'x' }, ExposedPorts: { '9000/tcp': {} }, Volumes: { '/cache': {} },
    WorkingDir: '/work', User: 'root', StopSignal: 'SIGINT',
  }, container);
  t.same(merged, {
    Cmd: ['run'], Entrypoint: ['/entry'], Env: ['A=2', 'B=3', 'PATH=/bin'], Labels: { from: 'container', both: 'given', own: 'x' },
    ExposedPorts: { '80/tcp': {}, '9000/tcp': {} }, Volumes: { '/data': {}, '/cache': {} }, WorkingDir: '/work', User: 'root', StopSignal: 'SIGINT',
    Healthcheck: { Test: ['NONE'] },
  });
});

t.test('Cmd and Entrypoint', async (t) => {
  const pick = (given: Parameters<typeof mergeCommitConfig>[0]) => {
    const { Cmd, Entrypoint } = mergeCommitConfig(given, container);
    return { Cmd, Entrypoint };
  };
  t.same(pick({ Entrypoint: ['/other'] }), { Cmd: null, Entrypoint: ['/other'] }, 'an entrypoint given: the container\'s Cmd is not kept');
  t.same(pick({ Entrypoint: ['/other'], Cmd: ['x'] }), { Cmd: ['x'], Entrypoint: ['/other'] });
  t.same(pick({ Entrypoint: [], Cmd: ['sh'] }), { Cmd: ['sh'], Entrypoint: [] }, 'an empty entrypoint clears it');
  t.same(pick({ Cmd: null, Entrypoint: null }), { Cmd: ['serve'], Entrypoint: ['/entry'] }, 'nulls: the container\'s');
});

t.test('nothing on either side stays empty', async (t) => {
  t.same(mergeCommitConfig({ Labels: { a: 'b' } }, {}), { Env: null, Labels: { a: 'b' }, ExposedPorts: null, Volumes: null, Cmd: null, Entrypoint: null, WorkingDir: '', User: '' });
});
