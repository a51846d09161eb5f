/**
 * Property tests of the codec and the zod boundaries: random msgpack, and valid encodings
 * mutated (a field replaced, deleted or added; bytes flipped, cut short or extended) never make
 * `decode` throw anything but ValidationError, and whatever it returns passes the schema.
 */
import fc from 'fast-check';
import { Packr } from 'msgpackr';
import t from 'tap';
import type * as z from 'zod';
import { check as fuzz } from '../test/helpers/fuzz.js';
import { AnyEvent } from './all.js';
import { decode, encode } from './codec.js';
import { ContainerCommand, ContainerEvent } from './container.js';
import { ValidationError } from './errors.js';
import { OutputChunk, Reply, Request, RequestEnvelope, Results } from './requests.js';
import { Snapshot } from './snapshots.js';

/** A packer that does not validate: the bytes a hostile or buggy peer could send. */
const raw = new Packr({ useRecords: false, moreTypes: false });

const hex = 'a'.repeat(64);
const envelope = { id: 'cmd.0', host: 'h', kind: 'container', entity: hex, time: 1, causation: 'cmd', correlation: 'req', attributes: { name: 'x' } } as const;
const config = {
  name: 'web', image: hex, imageRef: 'busybox', cmd: ['sleep', '1'], env: ['A=1'], workingDir: '/', hostname: 'h',
  autoRemove: false, labels: { a: 'b' }, restartPolicy: { name: 'on-failure', maximumRetryCount: 2 }, memoryBytes: 1024,
  mounts: [{ type: 'volume', source: 'v', destination: '/data', readOnly: false }],
};

const samples: Array<[string, z.ZodType, unknown]> = [
  ['event created', AnyEvent, { ...envelope, type: 'container.created', data: config }],
  ['event died', ContainerEvent, { ...envelope, type: 'container.died', data: { exitCode: 1, signal: null, oomKilled: false } }],
  ['event started', AnyEvent, { ...envelope, type: 'container.started', data: { pid: 10, shimPid: 9 } }],
  ['command stop', ContainerCommand, { type: 'Stop', timeoutSeconds: 10 }],
  ['command create', ContainerCommand, { type: 'Create', config }],
  ['request create', RequestEnvelope, { id: 'r1', request: { op: 'container.create', start: true, spec: { imageRef: 'busybox', cmd: ['true'], env: [], autoRemove: true, labels: {} } } }],
  ['request list', RequestEnvelope, { id: 'r2', request: { op: 'container.list', all: true } }],
  ['request save', RequestEnvelope, { id: 'r3', request: { op: 'image.save', refs: ['a'], path: '/tmp/x', format: 'oci-archive' } }],
  ['reply ok', Reply, { ok: true, result: { id: hex } }],
  ['reply error', Reply, { ok: false, error: { name: 'NotFoundError', message: 'no', exitCode: 1 } }],
  ['output', OutputChunk, { stream: 'stdout', data: 'hi\n' }],
];
const schemas: Array<[string, z.ZodType]> = [
  ['AnyEvent', AnyEvent], ['ContainerCommand', ContainerCommand], ['Request', Request], ['RequestEnvelope', RequestEnvelope],
  ['Reply', Reply], ['OutputChunk', OutputChunk], ...Object.entries(Results) as Array<[string, z.ZodType]>,
];
schemas.push(['Snapshot', Snapshot as z.ZodType]);

/** decode must return a schema-valid value or throw ValidationError; anything else fails. */
function onlyValidationError(schema: z.ZodType, bytes: Uint8Array): void {
  let value: unknown;
  try {
    value = decode(schema, bytes);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw new Error(`decode threw ${(error as Error)?.name}: ${(error as Error)?.message}`);
    return;
  }
  if (!schema.safeParse(value).success) throw new Error('decode returned a value its schema refuses');
}

t.test('every sample is valid and round-trips', async (t) => {
  for (const [name, schema, value] of samples) t.same(decode(schema, encode(schema, value as never)), schema.parse(value), name);
});

t.test('random bytes: only ValidationError, for every schema', (t) =>
  fuzz(t, 'random bytes', 400, fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => {
    for (const [, schema] of schemas) onlyValidationError(schema, bytes);
  })));

t.test('random msgpack values: only ValidationError', (t) =>
  fuzz(t, 'random values', 300, fc.property(fc.anything({ withNullPrototype: true, withBigInt: true, withDate: true, withTypedArray: true, withMap: true, withSet: true, withSparseArray: true }), (value) => {
    let bytes: Uint8Array;
    try { bytes = raw.pack(value); } catch { return; } // msgpackr cannot express it: nothing to send
    for (const [, schema] of schemas) onlyValidationError(schema, bytes);
  })));

type Path = Array<string | number>;
function paths(value: unknown, at: Path = []): Path[] {
  const out: Path[] = [at];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...at, i])));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...at, k]));
  return out;
}
/** The value with the node at `path` replaced (`replace`), deleted, or given an extra key. */
function mutate(value: unknown, path: Path, op: 'replace' | 'delete' | 'add', extra: unknown, key: string): unknown {
  if (path.length === 0) {
    if (op === 'add' && value && typeof value === 'object' && !Array.isArray(value)) return { ...value, [key]: extra };
    return op === 'delete' ? undefined : extra;
  }
  const [head, ...rest] = path;
  const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) };
  if (rest.length === 0 && op === 'delete') {
    if (Array.isArray(copy)) copy.splice(head as number, 1);
    else delete copy[head!];
    return copy;
  }
  copy[head!] = mutate(copy[head!], rest, op, extra, key);
  return copy;
}

const scalar = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(-1), fc.constant(2 ** 53), fc.constant(''), fc.constant('../..'));
t.test('valid encodings with a field replaced, deleted or added: only ValidationError', (t) =>
  fuzz(t, 'field mutations', 600, fc.property(
    fc.nat(samples.length - 1), fc.nat(), fc.constantFrom('replace', 'delete', 'add'), fc.oneof(scalar, fc.anything({ maxDepth: 2 })), fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'type', 'op')),
    (which, pathIndex, op, extra, key) => {
      const [, schema, value] = samples[which]!;
      const all = paths(value);
      const mutated = mutate(value, all[pathIndex % all.length]!, op as 'replace', extra, key);
      let bytes: Uint8Array;
      try { bytes = raw.pack(mutated); } catch { return; }
      onlyValidationError(schema, bytes);
      onlyValidationError(AnyEvent, bytes);
      onlyValidationError(RequestEnvelope, bytes);
    })));

t.test('valid encodings flipped, truncated and extended byte-wise: only ValidationError', (t) =>
  fuzz(t, 'byte mutations', 800, fc.property(
    fc.nat(samples.length - 1),
    fc.array(fc.tuple(fc.constantFrom('flip', 'cut', 'extend', 'insert'), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 16 })), { minLength: 1, maxLength: 4 }),
    (which, edits) => {
      const [, schema, value] = samples[which]!;
      let bytes = Uint8Array.from(raw.pack(value));
      for (const [op, at, byte, more] of edits) {
        const i = bytes.length ? at % bytes.length : 0;
        if (op === 'flip' && bytes.length) bytes[i] = byte;
        else if (op === 'cut') bytes = bytes.subarray(0, i);
        else if (op === 'extend') bytes = Uint8Array.from([...bytes, ...more]);
        else bytes = Uint8Array.from([...bytes.subarray(0, i), byte, ...more, ...bytes.subarray(i)]);
      }
      onlyValidationError(schema, bytes);
    })));

t.test('hostile shapes: huge headers, deep nesting, extension types', async (t) => {
  const cases: Array<[string, Uint8Array]> = [
    ['array32 of 4G', Uint8Array.from([0xdd, 0xff, 0xff, 0xff, 0xff])],
    ['map32 of 4G', Uint8Array.from([0xdf, 0xff, 0xff, 0xff, 0xff])],
    ['str32 of 4G', Uint8Array.from([0xdb, 0xff, 0xff, 0xff, 0xff, 0x41])],
    ['bin32 of 4G', Uint8Array.from([0xc6, 0xff, 0xff, 0xff, 0xff])],
    ['deep arrays', new Uint8Array(200_000).fill(0x91)],
    ['deep maps', Uint8Array.from({ length: 100_000 }, (_, i) => (i % 2 ? 0xa1 : 0x81))],
    ['timestamp ext', Uint8Array.from([0xd6, 0xff, 0, 0, 0, 1])],
    ['record ext', Uint8Array.from([0xd4, 0x72, 0x40])],
    ['unknown ext', Uint8Array.from([0xc7, 0x03, 0x05, 1, 2, 3])],
    ['never-used byte', Uint8Array.from([0xc1])],
    ['empty', new Uint8Array(0)],
  ];
  for (const [name, bytes] of cases) {
    for (const [schemaName, schema] of schemas) {
      try { onlyValidationError(schema, bytes); } catch (error) { t.fail(`${name} as ${schemaName}: ${(error as Error).message}`); }
    }
  }
  t.pass('all refused or valid');
});
