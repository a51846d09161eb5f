import t from 'tap';
import { Packr } from 'msgpackr';
import { SCHEMA_VERSION, storedSchemaOf } from './schema.js';
import { decodeSnapshot, encodeSnapshot, type Snapshot } from './snapshots.js';

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
