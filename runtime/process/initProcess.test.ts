import t from 'tap';
import { initProcess, INIT_PATH } from './initProcess.js';

t.test('--init: the command runs under berth-init, mounted read-only', async (t) => {
  const { args, mount } = initProcess(['sh', '-c', 'exit 3'], '/opt/berth/berth-init');
  t.same(args, ['/sbin/berth-init', '--', 'sh', '-c', 'exit 3']);
  t.equal(INIT_PATH, args[0]);
  t.same(mount.split('\x1f'), ['bind', '/opt/berth/berth-init', '/sbin/berth-init', 'ro,rprivate']);
});
