import t from 'tap';
import { buildErrorMessage, buildEventMessages, buildResultMessages } from './buildStream.js';

t.test('build events as the legacy builder words them', async (t) => {
  t.same(buildEventMessages({ vertex: 1, name: '[1/3] FROM busybox', status: 'started' }), [{ stream: 'Step 1/3 : FROM busybox\n' }]);
  t.same(buildEventMessages({ vertex: 2, name: '[builder 2/3] RUN make', status: 'started' }), [{ stream: 'Step 2/3 : RUN make (stage builder)\n' }]);
  t.same(buildEventMessages({ vertex: 2, name: '[2/3] RUN make', status: 'log', stream: 'stdout', text: 'cc -o x' }), [{ stream: 'cc -o x\n' }]);
  t.same(buildEventMessages({ vertex: 2, name: '[2/3] RUN make', status: 'cached' }), [{ stream: ' ---> Using cache\n' }]);
  t.same(buildEventMessages({ vertex: 2, name: '[2/3] RUN make', status: 'done', elapsedMs: 1250 }), [{ stream: ' ---> Done in 1.3s\n' }]);
  t.same(buildEventMessages({ vertex: 2, name: '[2/3] RUN make', status: 'error', text: 'exit 1' }), [], 'the error comes once, from the result');
  t.same(buildEventMessages({ vertex: 4, name: 'exporting to image', status: 'log', text: 'writing image sha256:1' }), [], 'the export is worded at the end');
  t.same(buildEventMessages({ vertex: 0, name: '', status: 'info', text: '[Warning] unused' }), [{ stream: '[Warning] unused\n' }]);
});

t.test('the end: aux.ID, then Successfully built and tagged; -q: the id only', async (t) => {
  const id = 'a'.repeat(64);
  t.same(buildResultMessages({ id, tags: ['app:1'] }, false), [
    { aux: { ID: `sha256:${id}` } }, { stream: 'Successfully built aaaaaaaaaaaa\n' }, { stream: 'Successfully tagged app:1\n' },
  ]);
  t.same(buildResultMessages({ id: `sha256:${id}`, tags: [] }, true), [{ aux: { ID: `sha256:${id}` } }, { stream: `sha256:${id}\n` }]);
  t.same(buildErrorMessage(new Error('Dockerfile:2: RUN: exit 3')), { errorDetail: { message: 'Dockerfile:2: RUN: exit 3' }, error: 'Dockerfile:2: RUN: exit 3' });
});
