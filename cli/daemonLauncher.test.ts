import t from 'tap';
import { DAEMON_LAUNCHER, daemonArgv } from './daemonLauncher.js';

t.test('berth daemon gives berthd the words around the verb', async (t) => {
  const berthd = (...words: string[]) => daemonArgv(['node', 'main.cjs', ...words]).slice(2);
  t.same(daemonArgv(['node', 'main.cjs', 'daemon']), ['node', DAEMON_LAUNCHER]);
  t.same(berthd('daemon', '--nats', 'nats://a', '--debug'), ['--nats', 'nats://a', '--debug']);
  t.same(berthd('--root', '/r', 'daemon', '--run-root', '/rr'), ['--root', '/r', '--run-root', '/rr'], 'a global flag before the verb');
  t.same(berthd('--root', 'daemon', 'daemon'), ['--root', 'daemon'], 'a flag value named daemon is not the verb');
  t.same(berthd('--root=/r', 'daemon'), ['--root=/r'], 'a flag with =');
  t.same(berthd('-H', 'h1', 'daemon'), ['-H', 'h1'], 'kept for berthd to refuse');
});
