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

t.test('Healthcheck: the given one, its empty Test and zero fields filled from the container\'s (Docker\'s merge)', async (t) => {
  const checked = { ...container, Healthcheck: { Test: ['CMD-SHELL', 'probe'], Interval: 1e9, Timeout: 2e9, StartPeriod: 3e9, Retries: 4 } };
  t.same(mergeCommitConfig({ Healthcheck: { Interval: 5e9 } }, checked).Healthcheck, { Test: ['CMD-SHELL', 'probe'], Interval: 5e9, Timeout: 2e9, StartPeriod: 3e9, Retries: 4 });
  t.same(mergeCommitConfig({ Healthcheck: { Test: ['CMD', 'other'], Retries: 1 } }, checked).Healthcheck, { Test: ['CMD', 'other'], Interval: 1e9, Timeout: 2e9, StartPeriod: 3e9, Retries: 1 });
  t.same(mergeCommitConfig({ Healthcheck: { Test: ['NONE'] } }, checked).Healthcheck, { Test: ['NONE'], Interval: 1e9, Timeout: 2e9, StartPeriod: 3e9, Retries: 4 }, 'NONE is kept (Docker fills the durations too)');
  t.same(mergeCommitConfig({}, checked).Healthcheck, checked.Healthcheck, 'none given: the container\'s');
  t.same(mergeCommitConfig({ Healthcheck: { Test: ['CMD', 'x'], Interval: 1e9 } }, {}).Healthcheck, { Test: ['CMD', 'x'], Interval: 1e9 }, 'the container has none: the given one');
});
