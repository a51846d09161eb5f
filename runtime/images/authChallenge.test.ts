import t from 'tap';
import { parseChallenges, tokenUrl } from './authChallenge.js';

t.test('bearer and basic challenges', async (t) => {
  const [bearer] = parseChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"');
  t.same(bearer, { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/busybox:pull' } });
  t.equal(tokenUrl(bearer!, 'ignored').toString(), 'https://auth.docker.io/token?service=registry.docker.io&scope=repository%3Alibrary%2Fbusybox%3Apull');
  t.same(parseChallenges('Basic realm="Registry Realm"'), [{ scheme: 'basic', params: { realm: 'Registry Realm' } }]);
  t.same(parseChallenges('Bearer realm="https://a/t", error="invalid_token", Basic realm=x'), [
    { scheme: 'bearer', params: { realm: 'https://a/t', error: 'invalid_token' } },
    { scheme: 'basic', params: { realm: 'x' } },
  ]);
  t.same(parseChallenges('Bearer realm="a \\"quoted\\" realm"')[0]!.params.realm, 'a "quoted" realm');
  const noScope = parseChallenges('Bearer realm="http://127.0.0.1:1/token"')[0]!;
  t.equal(tokenUrl(noScope, 'repository:x:pull').searchParams.get('scope'), 'repository:x:pull');
  t.same(parseChallenges(''), []);
});
