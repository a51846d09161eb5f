import t from 'tap';
import type { VolumeEvent, VolumeRecord } from '../../events/volume.js';
import { decideVolume } from './decide.js';
import { evolveVolume } from './evolve.js';
import { initialVolumeData, type VolumeState } from './state.js';

const record: VolumeRecord = { name: 'data', driver: 'local', labels: {}, options: {}, anonymous: false };
const none: VolumeState = { ...initialVolumeData({ id: 'v', host: 'h' }), status: 'none' };

function given(...events: Array<Pick<VolumeEvent, 'type' | 'data'>>): VolumeState {
  let data = initialVolumeData({ id: 'v', host: 'h' });
  let status: VolumeState['status'] = 'none';
  for (const event of events) {
    data = evolveVolume(data, { ...event, id: 'e', host: 'h', kind: 'volume', entity: 'v', time: 5, causation: 'c', correlation: 'c', attributes: {} } as VolumeEvent);
    if (event.type === 'volume.created') status = 'present';
    if (event.type === 'volume.removed') status = 'removed';
  }
  return { ...data, status };
}

t.test('create, and create again', async (t) => {
  t.same(decideVolume(none, { type: 'Create', record }), [{ type: 'volume.created', data: record }]);
  const present = given({ type: 'volume.created', data: record });
  t.equal(present.created, 5);
  t.same(decideVolume(present, { type: 'Create', record }), [], 'an existing volume is returned, not an error');
  const removed = given({ type: 'volume.created', data: record }, { type: 'volume.removed', data: { force: false } });
  t.same(decideVolume(removed, { type: 'Create', record }).map((d) => d.type), ['volume.created'], 'a removed name can be used again');
});

t.test('mount and unmount track the users', async (t) => {
  const present = given({ type: 'volume.created', data: record });
  t.same(decideVolume(present, { type: 'Mount', container: 'c1', destination: '/d' }), [{ type: 'volume.mounted', data: { container: 'c1', destination: '/d' } }]);
  const used = given({ type: 'volume.created', data: record }, { type: 'volume.mounted', data: { container: 'c1', destination: '/d' } });
  t.same(used.users, ['c1']);
  t.same(decideVolume(used, { type: 'Mount', container: 'c1', destination: '/d' }), [], 'idempotent');
  t.same(decideVolume(used, { type: 'Unmount', container: 'c2' }), []);
  t.same(decideVolume(used, { type: 'Unmount', container: 'c1' }), [{ type: 'volume.unmounted', data: { container: 'c1' } }]);
  t.same(decideVolume(none, { type: 'Unmount', container: 'c1' }), [], 'unmounting what is gone is not an error');
  t.throws(() => decideVolume(none, { type: 'Mount', container: 'c1', destination: '/d' }), { name: 'NotFoundError', message: 'No such volume: v' });
});

t.test('remove is refused while in use, unless forced', async (t) => {
  const used = given({ type: 'volume.created', data: record }, { type: 'volume.mounted', data: { container: 'c1', destination: '/d' } });
  t.throws(() => decideVolume(used, { type: 'Remove', force: false }), { name: 'ConflictError', message: 'remove data: volume is in use - [c1]' });
  t.same(decideVolume(used, { type: 'Remove', force: true }), [{ type: 'volume.removed', data: { force: true } }]);
  const free = given({ type: 'volume.created', data: record }, { type: 'volume.mounted', data: { container: 'c1', destination: '/d' } }, { type: 'volume.unmounted', data: { container: 'c1' } });
  t.same(decideVolume(free, { type: 'Remove', force: false }), [{ type: 'volume.removed', data: { force: false } }]);
  const removed = given({ type: 'volume.created', data: record }, { type: 'volume.removed', data: { force: false } });
  t.throws(() => decideVolume(removed, { type: 'Remove', force: false }), { name: 'NotFoundError', message: 'No such volume: data' });
});
