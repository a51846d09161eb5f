/** Image VOLUME entries become anonymous volumes where the container has no mount of its own. */
import t from 'tap';
import { imageVolumeMounts } from './attach.js';

t.test('each image volume path not taken becomes an anonymous volume, cleaned', async (t) => {
  const taken = new Set(['/data']);
  const mounts = imageVolumeMounts(['/data', '/cache/', '//var//log', '/cache', 'relative'], taken);
  t.same(mounts.map((m) => m.destination), ['/cache', '/var/log']);
  t.ok(mounts.every((m) => m.type === 'volume' && m.source === '' && m.anonymous && !m.readOnly));
  t.same([...taken].sort(), ['/cache', '/data', '/var/log']);
  t.same(imageVolumeMounts([], new Set()), []);
});
