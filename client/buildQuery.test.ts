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

t.test('remote: the URL the daemon fetches the context from', async (t) => {
  t.equal(buildOptionsFromQuery(new URLSearchParams('remote=https://example.com/repo.git%23main:app')).remote, 'https://example.com/repo.git#main:app');
  t.equal(buildOptionsFromQuery(new URLSearchParams('remote=http://127.0.0.1:8080/Dockerfile')).remote, 'http://127.0.0.1:8080/Dockerfile');
  t.notOk('remote' in buildOptionsFromQuery(new URLSearchParams('')));
});

t.test('what cannot be built is one clear line', async (t) => {
  t.throws(() => buildOptionsFromQuery(new URLSearchParams('t=Bad:Name!')), { name: 'ValidationError', message: /invalid reference format/ });
  t.throws(() => buildOptionsFromQuery(new URLSearchParams('buildargs=[1]')), { name: 'ValidationError', message: /invalid buildargs/ });
  t.throws(() => buildOptionsFromQuery(new URLSearchParams('labels={"a":1}')), { name: 'ValidationError', message: /a is not a string/ });
  t.throws(() => buildOptionsFromQuery(new URLSearchParams('platform=linux/s390x')), { name: 'ValidationError', message: /not this host's/ });
  t.throws(() => buildOptionsFromQuery(new URLSearchParams('remote=ftp://example.com/x')), { name: 'ValidationError', message: /only http:\/\/, https:\/\/ and git URLs/ });
  t.throws(() => buildOptionsFromQuery(new URLSearchParams('remote=https://example.com/x.git%23-bad')), { name: 'ValidationError', message: /invalid refspec/ });
  t.throws(() => buildOptionsFromQuery(new URLSearchParams('remote=client-session')), { name: 'UnsupportedError' });
  t.throws(() => buildOptionsFromQuery(new URLSearchParams('version=2')), { name: 'UnsupportedError' });
  t.throws(() => buildOptionsFromQuery(new URLSearchParams('shmsize=big')), { name: 'ValidationError' });
});
