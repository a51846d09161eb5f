/**
 * The fence bucket on a real nats-server: several daemons that saw the same lost host write
 * its fence at once, each from its own connection, with the revision it read; JetStream
 * stores exactly one. The host's acknowledgement and a later fencing go the same way.
 */
import t from 'tap';
import type { FenceRecord } from '../../events/fence.js';
import { openFenceBucket, readFence, writeFence } from '../../nats/store/kvFences.js';
import { startNats } from '../helpers/nats.js';
import { gateFile, requiresNats } from '../helpers/gates.js';

gateFile(requiresNats());

const record = (by: string, state: FenceRecord['state'] = 'fenced'): FenceRecord => ({
  host: 'c', state, by, time: Date.now(), reason: 'host lost',
  replacements: [{ container: 'o'.repeat(64), host: by, id: `${by}`.padEnd(64, '0'), config: {
    name: 'web', image: 'b'.repeat(64), imageRef: 'busybox', cmd: ['sleep', '60'], env: [], workingDir: '', hostname: 'h', autoRemove: false, labels: {},
  } }],
});

t.test('of several daemons fencing the same host at once, exactly one wins', async (t) => {
  const nats = await startNats(t);
  const observers = ['a', 'b', 'd', 'e', 'f', 'g'];
  const buckets = await Promise.all(observers.map(async () => openFenceBucket(await nats.connect(), 1)));
  t.equal(await readFence(buckets[0], 'c'), null, 'never fenced');

  const first = await Promise.all(observers.map((by, i) => writeFence(buckets[i], record(by), null)));
  const winners = observers.filter((_, i) => first[i] !== null);
  t.equal(winners.length, 1, 'one write stored, the others told they lost');
  const stored = await readFence(buckets[3], 'c');
  t.equal(stored?.record.by, winners[0], 'every reader sees the winner');
  t.equal(stored?.revision, first.find((r) => r !== null));
  t.equal(stored?.record.replacements[0].host, winners[0], 'and only the winner\'s plan');

  // The host acknowledges at the revision it read; a stale revision is refused.
  t.equal(await writeFence(buckets[0], record('c', 'cleared'), stored!.revision - 1 || 999), null, 'a stale revision loses');
  const cleared = await writeFence(buckets[0], { ...stored!.record, state: 'cleared', clearedAt: Date.now() }, stored!.revision);
  t.ok(cleared, 'the host clears its fence');
  t.equal((await readFence(buckets[1], 'c'))?.record.state, 'cleared');

  // Lost again: fenced again, again by exactly one, at the cleared record's revision.
  const second = await Promise.all(observers.map((by, i) => writeFence(buckets[i], record(by), cleared)));
  t.equal(second.filter((r) => r !== null).length, 1, 'a second fencing has one winner too');
});
