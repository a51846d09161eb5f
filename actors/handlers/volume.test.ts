/** Volume requests over the in-memory event store and a fake kernel: given/when/then, no server, no root. */
import t from 'tap';
import { NotFoundError, ValidationError } from '../../events/errors.js';
import { eventFilter } from '../../events/subjects.js';
import { testHost } from '../../test/fakes/host.js';
import { VolumeHandler } from './volume.js';
import type { RequestContext } from './context.js';

const context = (id: string): RequestContext => ({ id, publish: () => {}, publishProgress: () => {} });

t.test('given a host, when a volume is created, listed, inspected and removed, then the log and the disk follow', async (t) => {
  const { host, store, kernel } = testHost('v1');
  await host.start();
  t.teardown(() => host.stop());
  const handler = new VolumeHandler(host);

  await handler.handle({ op: 'volume.create', name: 'data', labels: { tier: 'db' }, options: {} }, context('create-1'));
  t.ok(kernel.volumes.has('data'), 'its directory is made');
  const [listed] = await handler.handle({ op: 'volume.list' }, context('list-1')) as Array<{ name: string; mountpoint: string; labels: Record<string, string> }>;
  t.match(listed, { name: 'data', mountpoint: '/fake/volumes/data', labels: { tier: 'db' } });

  await handler.handle({ op: 'volume.create', name: 'data', labels: {}, options: {} }, context('create-2'));
  t.equal((await handler.handle({ op: 'volume.list' }, context('list-2')) as unknown[]).length, 1, 'creating it again keeps one');

  await handler.handle({ op: 'volume.remove', name: 'data', force: false }, context('remove-1'));
  t.notOk(kernel.volumes.has('data'), 'its directory is gone');
  await t.rejects(handler.handle({ op: 'volume.inspect', name: 'data' }, context('inspect-1')), NotFoundError);
  const types: string[] = [];
  for await (const stored of store.read(eventFilter('v1', 'volume'))) types.push(stored.event.type);
  t.same(types, ['volume.created', 'volume.removed']);
});

t.test('given a bad name or options, then nothing is written', async (t) => {
  const { host, store, kernel } = testHost('v2');
  await host.start();
  t.teardown(() => host.stop());
  const handler = new VolumeHandler(host);
  await t.rejects(handler.handle({ op: 'volume.create', name: '/etc', labels: {}, options: {} }, context('bad-1')), ValidationError);
  await t.rejects(handler.handle({ op: 'volume.create', name: 'x', labels: {}, options: { size: '1g' } }, context('bad-2')), ValidationError);
  const written: string[] = [];
  for await (const stored of store.read(eventFilter('v2'))) written.push(stored.event.type);
  t.same(written, []);
  t.same(kernel.calls, []);
});
