/**
 * The host actor over the in-memory event store and a fake kernel: replay rebuilds each entity,
 * a command goes to its entity, whose events are appended at the entity's last sequence and
 * whose effects reach the worker; an invalid event breaks its entity only.
 */
import t from 'tap';
import { ConflictError } from '../events/errors.js';
import { eventSubject } from '../events/subjects.js';
import { containerCreated, testHost } from '../test/fakes/host.js';
import { removeContainer } from './handlers/container.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const meta = (id: string) => ({ id, correlation: id });

async function typesOf(store: ReturnType<typeof testHost>['store'], host: string, entity: string): Promise<string[]> {
  const types: string[] = [];
  for await (const stored of store.read(eventSubject(host, 'container', entity))) types.push(stored.event.type);
  return types;
}

t.test('given a recorded container, when the host starts and is told to start it, then it runs and the log says so', async (t) => {
  const { host, store, kernel } = testHost('h1');
  await store.append([containerCreated('h1', A, 'web')], 0);
  const stats = await host.start();
  t.teardown(() => host.stop());
  t.equal(stats.events, 1, 'replayed from the log');
  t.equal(host.container(A).state.status, 'created');
  t.equal(host.container(A).state.config?.name, 'web');

  await host.container(A).execute({ type: 'Start' }, meta('start-1'));
  const running = await host.container(A).waitFor((s) => s.status === 'running', 5000);
  t.equal(running.pid, kernel.containers.get(A)?.started.pid, 'the pid the worker reported');
  t.match(kernel.calls, [`start ${A} on `]);
  t.same(await typesOf(store, 'h1', A), ['container.created', 'container.starting', 'container.started']);

  await host.container(A).execute({ type: 'Stop', timeoutSeconds: 1 }, meta('stop-1'));
  const exited = await host.container(A).waitFor((s) => s.status === 'exited', 5000);
  t.equal(exited.exitCode, 143, 'the signal the stop sent ended it');
  t.same((await typesOf(store, 'h1', A)).slice(3), ['container.stopping', 'container.killed', 'container.died', 'container.stopped']);
});

t.test('given another host restarted on the same log, then it folds the same state and appends after it', async (t) => {
  const first = testHost('h2');
  await first.store.append([containerCreated('h2', A, 'web')], 0);
  await first.host.start();
  await first.host.container(A).execute({ type: 'Rename', name: 'site' }, meta('rename-1'));
  first.host.stop();

  const again = testHost('h2', first.store, first.kernel);
  await again.host.start();
  t.teardown(() => again.host.stop());
  t.equal(again.host.container(A).state.config?.name, 'site');
  t.equal(again.host.container(A).lastSeq, first.host.container(A).lastSeq, 'at the same last sequence');
  await again.host.container(A).execute({ type: 'Rename', name: 'app' }, meta('rename-2'));
  t.same(await typesOf(again.store, 'h2', A), ['container.created', 'container.renamed', 'container.renamed']);
});

t.test('given an invalid event in one container\'s history, then that container is unavailable, the other works, and removal succeeds', async (t) => {
  const { host, store, kernel } = testHost('h3');
  await store.append([containerCreated('h3', A, 'broken')], 0);
  await store.append([containerCreated('h3', B, 'fine')], 0);
  const subject = eventSubject('h3', 'container', A);
  const seq = store.publishRaw(subject, new Uint8Array([0xc1]));
  await host.start();
  t.teardown(() => host.stop());

  const broken = host.container(A);
  t.equal(broken.broken?.seq, seq);
  await t.rejects(broken.execute({ type: 'Start' }, meta('start-broken')), ConflictError);
  await t.rejects(broken.execute({ type: 'Start' }, meta('start-broken-2')), { message: new RegExp(`unavailable: the event at seq ${seq} on ${subject.replaceAll('.', '\\.')} is invalid \\(decode: `) });

  await host.container(B).execute({ type: 'Start' }, meta('start-fine'));
  await host.container(B).waitFor((s) => s.status === 'running', 5000);
  t.pass('the other container starts');

  await broken.execute({ type: 'Remove', force: true }, meta('remove-broken'));
  await broken.waitFor((s) => s.status === 'removed', 5000);
  t.ok(kernel.calls.includes(`remove ${A}`), 'the worker removed its files');
  t.same(await typesOf(store, 'h3', A).catch((error: Error) => error.name), 'ValidationError', 'a plain read still stops at the invalid message');
  const after: string[] = [];
  for await (const stored of store.read(subject, { fromSeq: seq + 1 })) after.push(stored.event.type);
  t.same(after, ['container.removing', 'container.destroyed'], 'the removal appended after the invalid message');
});

t.test('given a removal that fails, then rm answers with the failure at once and a second rm removes the dead container', async (t) => {
  const { host, store, kernel } = testHost('h1');
  await store.append([containerCreated('h1', A, 'web')], 0);
  await host.start();
  t.teardown(() => host.stop());
  kernel.removalError = new Error('cgroup /sys/fs/cgroup/pids/berth/x: still busy');
  await t.rejects(removeContainer(host, host.container(A), { force: true, volumes: false }, meta('rm-1')), /cannot remove container a{12}: removal failed: cgroup .* still busy/);
  t.equal(host.container(A).state.status, 'dead');
  kernel.removalError = null;
  await removeContainer(host, host.container(A), { force: true, volumes: false }, meta('rm-2'));
  t.same((await typesOf(store, 'h1', A)).slice(1), ['container.removing', 'container.removal_failed', 'container.removing', 'container.destroyed']);
});
