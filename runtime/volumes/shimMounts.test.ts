import t from 'tap';
import { Layout } from '../layout.js';
import { shimMountEntry, shimMounts, sortMounts } from './shimMounts.js';

const layout = new Layout('/var/lib/berth', '/run/berth');
const US = '\x1f';

t.test('each kind of mount as the shim reads it', async (t) => {
  t.equal(shimMountEntry(layout, { type: 'volume', source: 'data', destination: '/d', readOnly: false }), ['bind', '/var/lib/berth/volumes/data/_data', '/d', 'volume,copy'].join(US));
  t.equal(shimMountEntry(layout, { type: 'volume', source: 'data', destination: '/d', readOnly: true, noCopy: true }), ['bind', '/var/lib/berth/volumes/data/_data', '/d', 'ro,volume'].join(US));
  t.equal(shimMountEntry(layout, { type: 'bind', source: '/h', destination: '/b', readOnly: true, propagation: 'rshared' }), ['bind', '/h', '/b', 'ro,rshared'].join(US));
  t.equal(shimMountEntry(layout, { type: 'bind', source: '/h', destination: '/b', readOnly: false }), ['bind', '/h', '/b', 'rprivate'].join(US));
  t.equal(shimMountEntry(layout, { type: 'tmpfs', source: '', destination: '/t', readOnly: false, tmpfsSize: 1048576, tmpfsMode: 0o1770, tmpfsFlags: ['nosuid', 'nodev', 'exec'] }),
    ['tmpfs', 'tmpfs', '/t', 'nosuid,nodev,size=1048576,mode=1770'].join(US));
  t.throws(() => shimMountEntry(layout, { type: 'bind', source: `/a${US}b`, destination: '/b', readOnly: false }), TypeError);
});

t.test('shallower mounts first, so none hides another', async (t) => {
  const mounts = sortMounts([
    { type: 'tmpfs', source: '', destination: '/a/b/c', readOnly: false },
    { type: 'tmpfs', source: '', destination: '/a', readOnly: false },
    { type: 'tmpfs', source: '', destination: '/a/b', readOnly: false },
  ]);
  t.same(mounts.map((m) => m.destination), ['/a', '/a/b', '/a/b/c']);
  t.same(shimMounts(layout, undefined), []);
});
