import t from 'tap';
import { hostOfContainer, hostsMatching, splitHostRef } from './addressing.js';
import type { ContainerView } from '../events/requests.js';

const view = (hostName: string, id: string, name: string) => ({ id, host: hostName, config: { name } }) as unknown as ContainerView;

t.test('HOST/NAME addressing and ambiguity', async (t) => {
  t.same(splitHostRef('h1/web'), { host: 'h1', ref: 'web' });
  t.same(splitHostRef('web'), { ref: 'web' });
  t.same(splitHostRef('/web'), { ref: '/web' });
  const views = [view('h1', 'aa11', 'web'), view('h2', 'bb22', 'web'), view('h2', 'cc33', 'db')];
  t.same(hostsMatching('web', views), ['h1', 'h2']);
  t.equal(hostOfContainer('db', views), 'h2');
  t.equal(hostOfContainer('aa', views), 'h1', 'an id prefix');
  t.throws(() => hostOfContainer('web', views), /web names containers on hosts h1, h2; use HOST\/web/);
  t.throws(() => hostOfContainer('nope', views), /No such container: nope/);
});
