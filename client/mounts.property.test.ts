/**
 * Property tests of the mount-flag parsers: any input either parses into a MountSpec the daemon's
 * schema accepts (absolute, clean destination) or is refused with ValidationError; and the
 * spellings that must agree do (-v and --mount, CSV quoting).
 */
import path from 'node:path';
import fc from 'fast-check';
import t from 'tap';
import { ValidationError } from '../events/errors.js';
import { MountSpec } from '../events/mount.js';
import { check } from '../test/helpers/fuzz.js';
import { parseMountFlag, parseMountFlags, parseTmpfsFlag, parseVolumeFlag, parseVolumesFrom, splitCsv, validMountMode } from './mounts.js';

const cwd = '/work/dir';
/** Strings built from the characters the grammars care about, plus anything. */
const token = fc.constantFrom(
  '/', ':', ',', '=', '"', '.', '..', './', 'ro', 'rw', 'z', 'Z', 'nocopy', 'rshared', 'private', 'cached', 'type', 'volume', 'bind', 'tmpfs',
  'src', 'dst', 'target', 'source', 'readonly', 'true', 'false', 'tmpfs-size', 'tmpfs-mode', '64m', '1g', '777', '77777', '1777', 'size', 'mode',
  'exec', 'noexec', 'volume-nocopy', 'bind-propagation', 'data', 'v1', ' ', '', '99999999999999999999p', '1.5g', '0', '\u0000', 'é',
);
/** --mount records made of real keys and values, so the checks past the tokenizer are reached. */
const mountRecord = fc.array(fc.tuple(fc.constantFrom('type', 'src', 'dst', 'ro', 'tmpfs-size', 'tmpfs-mode', 'bind-propagation', 'volume-nocopy', 'readonly'), token), { maxLength: 5 })
  .chain((pairs) => fc.constant(pairs.map(([k, v]) => `${k}=${v}`).join(',')));
const tmpfsRecord = fc.tuple(fc.constantFrom('/x', '/a/b/', '/', 'rel', '/..'), fc.array(fc.tuple(fc.constantFrom('size', 'mode', 'ro', 'exec'), token), { maxLength: 3 }))
  .map(([d, opts]) => `${d}:${opts.map(([k, v]) => `${k}=${v}`).join(',')}`);
const grammar = fc.oneof(mountRecord, tmpfsRecord, fc.array(token, { maxLength: 12 }).map((a) => a.join('')), fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }));

function parsesOrRefuses(parse: () => unknown): void {
  let spec: unknown;
  try {
    spec = parse();
  } catch (error) {
    if (error instanceof ValidationError) return;
    throw new Error(`threw ${(error as Error)?.name}: ${(error as Error)?.message}`);
  }
  for (const one of Array.isArray(spec) ? spec : [spec]) {
    const parsed = MountSpec.safeParse(one);
    if (!parsed.success) throw new Error(`parsed into a spec the daemon refuses: ${JSON.stringify(one)}: ${parsed.error.issues[0]?.message}`);
    const d = parsed.data.destination;
    if (d === '/' || path.posix.normalize(d) !== d || d.endsWith('/')) throw new Error(`destination not clean: ${d}`);
    if (parsed.data.type === 'bind' && !parsed.data.source.startsWith('/')) throw new Error(`bind source not absolute: ${parsed.data.source}`);
  }
}

t.test('-v: parses into a valid spec or refuses with ValidationError', (t) =>
  check(t, '-v', 2000, fc.property(grammar, (raw) => parsesOrRefuses(() => parseVolumeFlag(raw, cwd)))));
t.test('--mount: parses into a valid spec or refuses with ValidationError', (t) =>
  check(t, '--mount', 2000, fc.property(grammar, (raw) => parsesOrRefuses(() => parseMountFlag(raw, cwd)))));
t.test('--tmpfs: parses into a valid spec or refuses with ValidationError', (t) =>
  check(t, '--tmpfs', 2000, fc.property(grammar, (raw) => parsesOrRefuses(() => parseTmpfsFlag(raw)))));
t.test('--volumes-from and the joined flags: only ValidationError', (t) =>
  check(t, 'volumes-from', 1000, fc.property(grammar, fc.array(grammar, { maxLength: 3 }), (raw, more) => {
    try { parseVolumesFrom(raw); } catch (error) { if (!(error instanceof ValidationError)) throw error; }
    parsesOrRefuses(() => parseMountFlags({ volume: more, mount: [raw], tmpfs: more.slice(1) }, cwd));
  })));

const name = fc.stringMatching(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{1,20}$/);
const segment = fc.stringMatching(/^[a-zA-Z0-9_.-]{1,8}$/).filter((s) => s !== '.' && s !== '..');
const dest = fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => `/${parts.join('/')}`);

t.test('-v NAME:DEST[:ro] and --mount src=NAME,dst=DEST[,readonly] agree and keep the fields', (t) =>
  check(t, '-v vs --mount', 500, fc.property(name, dest, fc.boolean(), (source, destination, ro) => {
    const v = parseVolumeFlag(`${source}:${destination}${ro ? ':ro' : ''}`, cwd);
    const m = parseMountFlag(`type=volume,src=${source},dst=${destination}${ro ? ',readonly' : ''}`, cwd);
    const expected = { type: 'volume', source, destination, readOnly: ro, anonymous: false };
    if (JSON.stringify({ ...v, noCopy: undefined }) !== JSON.stringify({ ...expected, noCopy: undefined })) throw new Error(`-v gave ${JSON.stringify(v)}`);
    if (JSON.stringify({ ...m, noCopy: undefined }) !== JSON.stringify({ ...expected, noCopy: undefined })) throw new Error(`--mount gave ${JSON.stringify(m)}`);
  })));

t.test('binds: -v /SRC:DEST equals --mount type=bind, sources normalized', (t) =>
  check(t, 'bind', 500, fc.property(dest, dest, fc.constantFrom('', 'ro', 'rw', 'rslave'), (source, destination, mode) => {
    const v = parseVolumeFlag(`${source}:${destination}${mode ? `:${mode}` : ''}`, cwd);
    const m = parseMountFlag(`type=bind,src=${source},dst=${destination}${mode === 'ro' ? ',ro' : ''}${mode === 'rslave' ? ',bind-propagation=rslave' : ''}`, cwd);
    const { createSource, ...fromV } = v;
    if (createSource !== true) throw new Error('-v creates a missing bind source');
    if (JSON.stringify(fromV) !== JSON.stringify(m)) throw new Error(`${JSON.stringify(fromV)} != ${JSON.stringify(m)}`);
  })));

t.test('splitCsv: quoting any fields and joining them gives them back', (t) =>
  check(t, 'csv', 1000, fc.property(fc.array(fc.string({ maxLength: 10 }), { minLength: 1, maxLength: 6 }), (fields) => {
    const line = fields.map((f) => `"${f.replaceAll('"', '""')}"`).join(',');
    const back = splitCsv(line);
    if (JSON.stringify(back) !== JSON.stringify(fields)) throw new Error(`${JSON.stringify(back)} != ${JSON.stringify(fields)}`);
  })));

t.test('validMountMode: any permutation of distinct kinds is valid; a repeated kind is not', (t) =>
  check(t, 'modes', 300, fc.property(fc.shuffledSubarray(['ro', 'z', 'rshared', 'nocopy', 'cached']), fc.constantFrom('rw', 'Z', 'private', 'delegated'), (words, dup) => {
    if (!validMountMode(words.join(','))) throw new Error(`refused ${words}`);
    const kinds: Record<string, string> = { rw: 'ro', Z: 'z', private: 'rshared', delegated: 'cached' };
    if (words.includes(kinds[dup]!) && validMountMode([...words, dup].join(','))) throw new Error(`accepted a repeated kind: ${[...words, dup]}`);
  })));
