import t from 'tap';
import { commitBody } from './commitBody.js';

t.test("POST /commit's body as the commit's Config", async (t) => {
  t.equal(commitBody({}), undefined, 'empty (the docker CLI\'s null): none');
  t.same(commitBody({ Cmd: 'serve', Entrypoint: ['/e'], Env: ['A=1'], Labels: { k: 'v' }, ExposedPorts: { '80/tcp': {} }, WorkingDir: '/w', Hostname: 'ignored' }),
    { Cmd: ['serve'], Entrypoint: ['/e'], Env: ['A=1'], Labels: { k: 'v' }, ExposedPorts: { '80/tcp': {} }, WorkingDir: '/w' }, 'a string Cmd is one word; other keys left out');
  t.same(commitBody({ Cmd: null, User: 'u' }), { Cmd: null, User: 'u' }, 'null kept: the container\'s');
  t.throws(() => commitBody({ Env: 'A=1' }), { name: 'ValidationError', message: /invalid commit config: Env/ });
});
