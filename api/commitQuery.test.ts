import t from 'tap';
import { commitQuery } from './commitQuery.js';

t.test("POST /commit's query as a container.commit request", async (t) => {
  t.same(commitQuery(new URLSearchParams('container=web')), { ref: 'web', changes: [], pause: true }, 'untagged, paused');
  t.same(
    commitQuery(new URLSearchParams('container=web&repo=me/app&tag=v1&comment=c&author=a&pause=0')),
    { ref: 'web', reference: 'me/app:v1', comment: 'c', author: 'a', changes: [], pause: false },
  );
  t.equal(commitQuery(new URLSearchParams('container=web&repo=app')).reference, 'app', 'no tag: the reference as given (latest)');
  t.same(commitQuery(new URLSearchParams({ container: 'web', changes: 'ENV A=1\nLABEL k=\n' })).changes, ['ENV A=1', 'LABEL k='], 'one value of newline-joined lines (dockerode)');
  const cli = new URLSearchParams('container=web');
  cli.append('changes', 'ENV A=1');
  cli.append('changes', 'CMD ["sh"]');
  t.same(commitQuery(cli).changes, ['ENV A=1', 'CMD ["sh"]'], 'several values (the docker CLI)');
  t.throws(() => commitQuery(new URLSearchParams('repo=x')), { name: 'ValidationError', message: /container is needed/ });
});
