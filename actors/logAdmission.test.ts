import t from 'tap';
import { LogFullError } from '../events/errors.js';
import type { EventStore } from '../events/store.js';
import { createLogger } from '../log/logger.js';
import { LogAdmission } from './logAdmission.js';
import { HEADROOM_FRACTION } from './logSpace.js';

const MAX = 2_000_000;
const EVENT = 120_000;

/** A log whose usage the server reports exactly; `appended` is what this host wrote. */
function log(startBytes: number) {
  let bytes = startBytes;
  let appended = 0;
  let reads = 0;
  const store = {
    usage: async () => { reads++; return { bytes, maxBytes: MAX }; },
    appendedBytes: () => appended,
  } as unknown as EventStore;
  return { store, append: () => { bytes += EVENT; appended += EVENT; }, bytes: () => bytes, reads: () => reads };
}

t.test('appends in quick succession do not overshoot the headroom on a cached reading', async (t) => {
  // 1.3 MB used: far from the headroom when read, so the reading stands for a second; each
  // create then adds 120 KB. Without counting them, the cached reading let creates through
  // until the stream's own limit refused one (health.test's "maximum bytes exceeded").
  const { store, append, bytes } = log(1_300_000);
  const admission = new LogAdmission(store, async () => 0, createLogger({ level: 'error' }));
  let refused: unknown = null;
  for (let i = 0; i < 20 && refused === null; i++) {
    await admission.admit(['container.created']).then(append, (error: unknown) => { refused = error; });
  }
  t.ok(refused instanceof LogFullError && /nearly full/.test((refused as Error).message), 'refused as nearly full');
  t.ok(bytes() <= MAX * (1 - HEADROOM_FRACTION) + EVENT, `stopped within the headroom (${bytes()} bytes of ${MAX})`);
  await t.resolves(admission.admit(['container.stopped']), 'a stop still goes in');
});

t.test('far from the headroom, the usage is read at most once a second', async (t) => {
  const { store, append, reads } = log(100_000);
  const admission = new LogAdmission(store, async () => 0, createLogger({ level: 'error' }));
  for (let i = 0; i < 3; i++) await admission.admit(['container.created']).then(append);
  t.equal(reads(), 1);
});
