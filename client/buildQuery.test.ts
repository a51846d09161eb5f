import t from 'tap';
import { buildOptionsFromQuery } from './buildQuery.js';

t.test('the docker CLI\'s build query becomes berth build\'s options', async (t) => {
  const query = new URLSearchParams([
    ['t', 'app'], ['t', 'reg:5000/team/app:v2'], ['dockerfile', 'build/Dockerfile.dev'], ['buildargs', '{"A":"1","B":null}'],
    ['labels', '{"made":"api"}'], ['nocache', '1'], ['target', 'final'], ['networkmode', 'host'], ['extrahosts', 'db:10.0.0.2,cache:10.0.0.3'],
    ['shmsize', '67108864'], ['rm', '1'],
  ]);
  t.same(buildOptionsFromQuery(query), {
    dockerfile: 'build/Dockerfile.dev', tags: ['app:latest', 'reg:5000/team/app:v2'], buildArgs: { A: '1' }, target: 'final',
    noCache: true, labels: { made: 'api' }, network: 'host', extraHosts: ['db:10.0.0.2', 'cache:10.0.0.3'],
  });
  t.same(buildOptionsFromQuery(new URLSearchParams('networkmode=default&nocache=0')), {
    dockerfile: 'Dockerfile', tags: [], buildArgs: {}, noCache: false, labels: {},
  }, 'defaults: the default network is the builder\'s');
});

t.test('what cannot be built is one clear line', async (t) => {
  t.throws(() => buildOptionsFromQuery(new URLSearchParams('t=Bad:Name!')), { name: 'ValidationError', message: /invalid reference format/ });
  t.throws(() => buildOptionsFromQuery(new URLSearchParams('buildargs=[1]')), { name: 'ValidationError', message: /invalid buildargs/ });
  t.throws(() => buildOptionsFromQuery(new URLSearchParams('labels={"a":1}')), { name: 'ValidationError', message: /a is not a string/ });
  t.throws(() => buildOptionsFromQuery(new URLSearchParams('platform=linux/s390x')), { name: 'ValidationError', message: /not this host's/ });
  t.throws(() => buildOptionsFromQuery(new URLSearchParams('remote=https://example.com/x.git')), { name: 'UnsupportedError' });
  t.throws(() => buildOptionsFromQuery(new URLSearchParams('version=2')), { name: 'UnsupportedError' });
  t.throws(() => buildOptionsFromQuery(new URLSearchParams('shmsize=big')), { name: 'ValidationError' });
});
