import t from 'tap';
import { planStart, type SchemaCensus } from './schemaCensus.js';

const census = (over: Partial<SchemaCensus>): SchemaCensus => ({
  host: 'h', readable: 2, events: {}, eventsAfterCheckpoint: {}, invalidEvents: 0, snapshots: {}, invalidSnapshots: 0, checkpoint: 0, ...over,
});

t.test('a current log: the tail after the checkpoint is read, nothing upcast or rebuilt', async (t) => {
  t.same(planStart(census({ events: { 2: 40 }, eventsAfterCheckpoint: { 2: 3 }, snapshots: { 2: 9 }, checkpoint: 37 })), { refused: null, read: 3, upcast: 0, rebuilt: 0 });
  t.same(planStart(census({ events: { 2: 40 }, eventsAfterCheckpoint: { 2: 40 } })), { refused: null, read: 40, upcast: 0, rebuilt: 0 }, 'no checkpoint: the whole log');
});

t.test('an older log: older snapshots are rebuilt from the whole log, older events upcast as read', async (t) => {
  t.same(planStart(census({ events: { 1: 30, 2: 10 }, eventsAfterCheckpoint: { 2: 10 }, snapshots: { 1: 8, 2: 1 }, checkpoint: 30 })), { refused: null, read: 40, upcast: 30, rebuilt: 8 });
  t.same(planStart(census({ events: { 1: 30, 2: 10 }, eventsAfterCheckpoint: { 1: 2, 2: 10 }, snapshots: { 2: 5 }, checkpoint: 28 })), { refused: null, read: 12, upcast: 2, rebuilt: 0 }, 'current snapshots: only the tail, its older events upcast');
});

t.test('a newer log is refused, with the counts and versions', async (t) => {
  const plan = planStart(census({ events: { 2: 10, 3: 4 }, eventsAfterCheckpoint: { 3: 4 }, snapshots: { 3: 2 }, checkpoint: 10 }));
  t.equal(plan.refused, 'this log was written by a newer berth: 4 events and 2 snapshots in schema version 3; this berth reads versions up to 2, and a start would be refused');
});
