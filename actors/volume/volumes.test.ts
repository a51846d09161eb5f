/**
 * Volumes at start, over the in-memory log: an anonymous volume of a --rm container whose
 * removal was recorded but whose volume was not removed (a crash in between) is removed, also
 * when that container is retired and not in memory (a start leaves tombstones out); one of a
 * container removed without --rm is kept, as Docker keeps it.
 */
import t from 'tap';
import type { ContainerState } from '../container/state.js';
import { createLogger } from '../../log/logger.js';
import { MemoryEventStore } from '../../memory/eventStore.js';
import type { VolumeStore } from '../../runtime/volumes/store.js';
import { Volumes } from './volumes.js';
import { eventSubject } from '../../events/subjects.js';

const hex = (n: number) => n.toString(16).padStart(64, '0');

/** The files of the volumes: every one the test makes is on disk, none has data. */
class Files {
  readonly removed: string[] = [];
  constructor(private readonly present: string[]) {}
  async sweep(): Promise<void> {}
  async names(): Promise<string[]> { return this.present.filter((name) => !this.removed.includes(name)); }
  async size(): Promise<number> { return 0; }
  async remove(name: string): Promise<void> { this.removed.push(name); }
}

/** A removed container's state as its retired snapshot has it. */
const removedContainer = (id: string, volume: string, autoRemove: boolean): ContainerState => ({
  id, status: 'removed',
  config: { name: `c-${id.slice(0, 4)}`, autoRemove, mounts: [{ type: 'volume', source: volume, destination: '/anon', readOnly: false, anonymous: true }] },
} as unknown as ContainerState);

t.test('an anonymous volume of a retired --rm container is removed at start; one of a plain rm is kept', async (t) => {
  const store = new MemoryEventStore();
  const withRm = { container: hex(1), volume: hex(101) };
  const plainRm = { container: hex(2), volume: hex(102) };
  const retired = new Map([
    [withRm.container, removedContainer(withRm.container, withRm.volume, true)],
    [plainRm.container, removedContainer(plainRm.container, plainRm.volume, false)],
  ]);
  const asked: string[] = [];
  const files = new Files([withRm.volume, plainRm.volume]);
  const deps = {
    host: 'h1', store, hooks: {}, files: files as unknown as VolumeStore, log: createLogger({ level: 'error' }),
    containers: () => [],
    retiredContainer: async (id: string) => { asked.push(id); return retired.get(id); },
  };
  // The log before the crash: both volumes made for their containers, and mounted by them.
  const before = new Volumes(deps);
  let n = 0;
  for (const { container, volume } of [withRm, plainRm]) {
    const entity = before.byName(volume);
    await entity.execute({ type: 'Create', record: { name: volume, driver: 'local', labels: {}, options: {}, anonymous: true, container } }, { id: `c${++n}`, correlation: 't' });
    await entity.execute({ type: 'Mount', container, destination: '/anon' }, { id: `c${++n}`, correlation: 't' });
  }

  // The start after it: the volumes replayed, the containers not in memory at all.
  const after = new Volumes(deps);
  for (const volume of [withRm.volume, plainRm.volume]) {
    for await (const stored of store.read(eventSubject('h1', 'volume', after.byName(volume).id))) after.byName(volume).replay(stored);
  }
  await after.start();
  t.same(asked.sort(), [withRm.container, plainRm.container].sort(), 'each owner was looked up among the retired containers');
  t.equal(after.byName(withRm.volume).state.status, 'removed', 'the --rm container\'s anonymous volume is removed');
  t.equal(after.byName(plainRm.volume).state.status, 'present', 'the plain rm one is kept');
  t.same(after.byName(plainRm.volume).state.users, [], 'with no users: its container is gone');
});
