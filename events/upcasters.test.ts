import t from 'tap';
import { Packr } from 'msgpackr';
import { AnyEvent } from './all.js';
import { decode } from './codec.js';
import { decodeEvent, encodeEvent } from './eventCodec.js';
import { SCHEMA_VERSION, storedSchemaOf } from './schema.js';
import { EVENT_UPCASTERS, upcast, upcastEvent, type StoredRecord, type Upcaster } from './upcasters.js';

const packr = new Packr({ useRecords: false, moreTypes: false });
const entity = 'c'.repeat(64);
const died: AnyEvent = {
  type: 'container.died', id: 'r1.0', host: 'h1', kind: 'container', entity, time: 5,
  causation: 'r1', correlation: 'r1', attributes: { name: 'web' }, data: { exitCode: 3, signal: null, oomKilled: false },
};

t.test('berth has an upcaster for every version step up to the current one', async (t) => {
  for (let version = 1; version < SCHEMA_VERSION; version++) t.ok(EVENT_UPCASTERS.has(version), `from ${version} to ${version + 1}`);
  t.notOk([...EVENT_UPCASTERS.keys()].some((version) => version < 1 || version >= SCHEMA_VERSION), 'and none for a version it does not read');
});

/*
 * A made-up history, to prove the mechanism: in "version 1" a died event had its code as
 * `data.code` and no `attributes`; "version 2" renamed it to `exitCode`; "version 3" added
 * `attributes`. Today's shape is that version 3.
 */
const madeUp = new Map<number, Upcaster>([
  [1, (record) => {
    const { code, ...data } = record.data as { code: number };
    return { ...record, data: { ...data, exitCode: code } };
  }],
  [2, (record) => ({ ...record, attributes: {} })],
]);
const versionOne: StoredRecord = { ...died, attributes: undefined, data: { code: 3, signal: null, oomKilled: false } };
delete versionOne.attributes;

t.test('an older event is upcast step by step into the current shape, and validates', async (t) => {
  const frozen = structuredClone(versionOne);
  const upcast3 = upcastEvent(versionOne, 3, madeUp) as StoredRecord;
  t.same(versionOne, frozen, 'the record read is not changed (upcasters are pure)');
  t.equal(upcast3.schema, 3);
  t.same(AnyEvent.parse(upcast3), { ...died, attributes: {} }, 'version 1 read as version 3');
  const fromTwo = upcastEvent({ ...versionOne, schema: 2, data: { exitCode: 3, signal: null, oomKilled: false } }, 3, madeUp);
  t.same(AnyEvent.parse(fromTwo), { ...died, attributes: {} }, 'version 2 takes only the last step');
  // Through the codec, as a reader decodes it from the log.
  const decoded = decode(AnyEvent, packr.pack(versionOne), (raw) => upcastEvent(raw, 3, madeUp));
  t.same(decoded, { ...died, attributes: {} });
});

t.test('a current event is not copied; a newer one is refused naming both versions', async (t) => {
  const current = { ...died, schema: 3 };
  t.equal(upcastEvent(current, 3, madeUp), current, 'the hot path: the record itself');
  t.throws(() => upcastEvent({ ...died, schema: 4 }, 3, madeUp), { name: 'NewerSchemaError', found: 4, readable: 3, message: /schema version 4; this berth reads versions up to 3/ });
  t.throws(() => upcastEvent({ ...died, schema: 'two' }, 3, madeUp), { name: 'ValidationError' });
  t.throws(() => upcastEvent({ ...died, schema: 0 }, 3, madeUp), { name: 'ValidationError' });
});

t.test('a missing step is a bug of berth, said so', async (t) => {
  t.throws(() => upcast(versionOne, 1, 3, new Map([[2, madeUp.get(2)!]])), /no upcaster from schema version 1 to 2/);
});

t.test('berth stamps the current version on every event and reads an unstamped one as version 1', async (t) => {
  const bytes = encodeEvent(died);
  t.equal(storedSchemaOf(bytes), SCHEMA_VERSION, 'stamped');
  t.same(decodeEvent(bytes), died, 'the stamp is no field of the event read');
  const legacy = packr.pack(died);
  t.equal(storedSchemaOf(legacy), 1, 'today\'s log before versions');
  t.same(decodeEvent(legacy), died);
  t.throws(() => decodeEvent(packr.pack({ ...died, schema: SCHEMA_VERSION + 1 })), { name: 'NewerSchemaError', found: SCHEMA_VERSION + 1, readable: SCHEMA_VERSION });
  t.throws(() => storedSchemaOf(new Uint8Array([0xc1])), { name: 'ValidationError' });
});
