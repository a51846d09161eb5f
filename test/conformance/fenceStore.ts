/**
 * What every FenceStore (events/fenceStore.ts) does, run against each implementation: several
 * daemons that saw the same lost host write its fence at once, each through its own store
 * (its own connection), with the revision it read; exactly one is stored.
 */
import type { Test } from 'tap';
import type { FenceRecord } from '../../events/fence.js';
import type { FenceStore } from '../../events/fenceStore.js';
import { config, freshHost } from './events.js';

const record = (host: string, by: string, state: FenceRecord['state'] = 'fenced'): FenceRecord => ({
  host, state, by, time: Date.now(), reason: 'host lost',
  replacements: [{ container: 'o'.repeat(64), host: by, id: by.padEnd(64, '0'), config: { ...config, name: 'web' } }],
});

/** `open()` gives one daemon's view of the same records. */
export function fenceStoreConformance(t: Test, open: () => Promise<FenceStore>): void {
  t.test('of several daemons fencing the same host at once, exactly one wins', async (t) => {
    const lost = freshHost('lost');
    const observers = ['a', 'b', 'd', 'e', 'f', 'g'];
    const stores = await Promise.all(observers.map(() => open()));
    t.equal(await stores[0]!.read(lost), null, 'never fenced');

    const first = await Promise.all(observers.map((by, i) => stores[i]!.write(record(lost, by), null)));
    const winners = observers.filter((_, i) => first[i] !== null);
    t.equal(winners.length, 1, 'one write stored, the others told they lost');
    const stored = await stores[3]!.read(lost);
    t.equal(stored?.record.by, winners[0], 'every reader sees the winner');
    t.equal(stored?.revision, first.find((r) => r !== null));
    t.equal(stored?.record.replacements[0]!.host, winners[0], 'and only the winner\'s plan');
    t.ok((await stores[1]!.readAll()).some((f) => f.record.host === lost && f.revision === stored?.revision), 'listed with its revision');

    // The host acknowledges at the revision it read; a stale revision is refused.
    t.equal(await stores[0]!.write(record(lost, lost, 'cleared'), stored!.revision - 1 || 999), null, 'a stale revision loses');
    const cleared = await stores[0]!.write({ ...stored!.record, state: 'cleared', clearedAt: Date.now() }, stored!.revision);
    t.ok(cleared, 'the host clears its fence');
    t.equal((await stores[1]!.read(lost))?.record.state, 'cleared');

    // Lost again: fenced again, again by exactly one, at the cleared record's revision.
    const second = await Promise.all(observers.map((by, i) => stores[i]!.write(record(lost, by), cleared)));
    t.equal(second.filter((r) => r !== null).length, 1, 'a second fencing has one winner too');
  });
}
