import t from 'tap';
import { plainLine } from './buildProgress.js';

t.test('BuildKit\'s plain lines', async (t) => {
  t.equal(plainLine({ vertex: 2, name: '[2/3] RUN echo hi', status: 'started' }), '#2 [2/3] RUN echo hi\n');
  t.equal(plainLine({ vertex: 2, name: '', status: 'log', stream: 'stdout', text: 'hi', elapsedMs: 231 }), '#2 0.231 hi\n');
  t.equal(plainLine({ vertex: 2, name: '', status: 'done', elapsedMs: 1450 }), '#2 DONE 1.4s\n\n');
  t.equal(plainLine({ vertex: 3, name: '', status: 'cached' }), '#3 CACHED\n\n');
  t.equal(plainLine({ vertex: 3, name: '', status: 'error', text: 'exit code: 1' }), '#3 ERROR: exit code: 1\n\n');
});
