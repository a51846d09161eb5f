import t from 'tap';
import { negotiate, splitVersion } from './versions.js';

t.test('the version prefix is split off; none means the newest', async (t) => {
  t.same(splitVersion('/v1.50/containers/json'), { version: '1.50', path: '/containers/json' });
  t.same(splitVersion('/v1.24/_ping'), { version: '1.24', path: '/_ping' });
  t.same(splitVersion('/containers/json'), { version: null, path: '/containers/json' });
  t.same(splitVersion('/v1.50'), { version: '1.50', path: '/' });
  t.same(splitVersion('/v1.50x/ping'), { version: null, path: '/v1.50x/ping' }, 'not a version');
  t.equal(negotiate(null), '1.51');
});

t.test('versions from 1.24 to 1.51 are served; others get Docker\'s messages', async (t) => {
  t.equal(negotiate('1.24'), '1.24');
  t.equal(negotiate('1.38'), '1.38', 'docker-compose 1.29');
  t.equal(negotiate('1.50'), '1.50', 'the docker CLI 28');
  t.equal(negotiate('1.51'), '1.51');
  t.throws(() => negotiate('1.52'), { name: 'ValidationError', message: 'client version 1.52 is too new. Maximum supported API version is 1.51' });
  t.throws(() => negotiate('2.0'), /too new/);
  t.throws(() => negotiate('1.9'), { message: 'client version 1.9 is too old. Minimum supported API version is 1.24, please upgrade your client to a newer version' });
});
