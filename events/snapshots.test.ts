import t from 'tap';
import { Packr } from 'msgpackr';
import { SCHEMA_VERSION, storedSchemaOf } from './schema.js';
import { decodeSnapshot, decodeSnapshotPage, encodeSnapshot, encodeSnapshotPage, type Snapshot } from './snapshots.js';

const snapshot: Snapshot = { kind: 'volume', entity: 'data', seq: 7, value: 'present', context: { name: 'data' } };
const packr = new Packr({ useRecords: false, moreTypes: false });

t.test('a snapshot is stored with the current version and loaded with the version it was written in', async (t) => {
  const bytes = encodeSnapshot(snapshot);
  t.equal(storedSchemaOf(bytes), SCHEMA_VERSION);
  t.same(decodeSnapshot(bytes, 'it'), { ...snapshot, schema: SCHEMA_VERSION });
  t.same(decodeSnapshot(packr.pack(snapshot), 'it'), { ...snapshot, schema: 1 }, 'one written before versions is version 1');
});

t.test('a snapshot of a newer berth is refused, naming it', async (t) => {
  t.throws(() => decodeSnapshot(packr.pack({ ...snapshot, schema: SCHEMA_VERSION + 1 }), 'the snapshot of volume data'), {
    name: 'NewerSchemaError', message: new RegExp(`^the snapshot of volume data was written by a newer berth in schema version ${SCHEMA_VERSION + 1}`),
  });
  t.throws(() => decodeSnapshot(packr.pack({ ...snapshot, seq: 'x' }), 'it'), { name: 'ValidationError' });
});

t.test('a page holds snapshots in line, each with its version; one that is no snapshot is named, one that names nobody is not', async (t) => {
  const entries = [{ ...snapshot, schema: SCHEMA_VERSION }, { ...snapshot, entity: 'old', schema: 1 }];
  t.same(decodeSnapshotPage(encodeSnapshotPage(entries), 'page').map((e) => e.snapshot), entries);
  const broken = decodeSnapshotPage(packr.pack({ entries: [{ ...snapshot, seq: 'x' }, { nothing: true }], schema: SCHEMA_VERSION }), 'page');
  t.match(broken[0], { kind: 'volume', entity: 'data', problem: /invalid/ });
  t.same(broken[0]!.snapshot, undefined);
  t.match(broken[1], { problem: /invalid/ });
  t.equal((broken[1] as { kind?: string }).kind, undefined, 'no kind, no entity: the page cannot name it');
  t.throws(() => decodeSnapshotPage(new Uint8Array([0xc1, 0x00]), 'page'), { name: 'ValidationError' }, 'no page at all');
  t.throws(() => decodeSnapshotPage(packr.pack({ entries: [], schema: SCHEMA_VERSION + 1 }), 'snapshot page 3'), { name: 'NewerSchemaError', message: /^snapshot page 3 was written by a newer berth/ });
  t.throws(() => decodeSnapshotPage(packr.pack({ entries: [{ ...snapshot, schema: SCHEMA_VERSION + 1 }], schema: SCHEMA_VERSION }), 'page'), { name: 'NewerSchemaError', message: /^the snapshot of volume data/ });
});
