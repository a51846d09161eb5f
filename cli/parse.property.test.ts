/** Property tests of the flag-value parsers: only ValidationError, and round trips where they exist. */
import fc from 'fast-check';
import t from 'tap';
import { ValidationError } from '../events/errors.js';
import { check } from '../test/helpers/fuzz.js';
import { parseBytes, parseDuration, parseEnv, parsePairs, parsePositiveInt, parseTime } from './parse.js';

const token = fc.constantFrom('1', '0', '.', '5', 'h', 'm', 's', 'ms', 'k', 'g', 'b', 'B', 'T', 'Z', '-', ':', '=', ' ', '2026-01-01', '1e9', '99999999999999999999');
const grammar = fc.oneof(fc.array(token, { maxLength: 10 }).map((a) => a.join('')), fc.string({ maxLength: 30 }));

function only(fn: () => unknown, check?: (value: any) => void): void {
  let value: unknown;
  try { value = fn(); } catch (error) {
    if (error instanceof ValidationError) return;
    throw new Error(`threw ${(error as Error)?.name}: ${(error as Error)?.message}`);
  }
  check?.(value);
}

t.test('every parser: a value or ValidationError', (t) =>
  check(t, 'parse.ts', 3000, fc.property(grammar, fc.array(grammar, { maxLength: 4 }), (text, list) => {
    only(() => parseBytes(text, '--memory'), (n) => { if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`--memory ${text} -> ${n}`); });
    only(() => parsePositiveInt(text, '--pids-limit'), (n) => { if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`--pids-limit ${text} -> ${n}`); });
    only(() => parseDuration(text, '--health-interval'), (n) => { if (!Number.isFinite(n) || n < 0) throw new Error(`duration ${text} -> ${n}`); });
    only(() => parseTime(text, '--since', 1_000_000_000_000), (n) => { if (!Number.isFinite(n)) throw new Error(`time ${text} -> ${n}`); });
    only(() => parsePairs(list, '--label'));
    only(() => parseEnv(list, { A: '1' }));
  })));

t.test('parseBytes: N followed by a unit is N times the unit', (t) =>
  check(t, 'bytes', 500, fc.property(fc.integer({ min: 1, max: 4096 }), fc.constantFrom(['', 1], ['b', 1], ['k', 1024], ['m', 1024 ** 2], ['g', 1024 ** 3], ['K', 1024], ['mb', 1024 ** 2]), (n, [unit, factor]) => {
    const got = parseBytes(`${n}${unit}`, '--memory');
    if (got !== n * (factor as number)) throw new Error(`${n}${unit} -> ${got}`);
  })));

t.test('parseDuration: h, m, s and ms parts add up', (t) =>
  check(t, 'duration', 500, fc.property(fc.nat(99), fc.nat(59), fc.nat(59), fc.nat(999), fc.boolean(), (h, m, s, ms, parts) => {
    const text = `${h || !parts ? `${h}h` : ''}${m}m${s}s${ms}ms`;
    const got = parseDuration(text, '--x');
    if (got !== h * 3600_000 + m * 60_000 + s * 1000 + ms) throw new Error(`${text} -> ${got}`);
  })));

t.test('parseTime: a Unix time and a duration back from now', (t) =>
  check(t, 'time', 500, fc.property(fc.integer({ min: 0, max: 4_000_000_000 }), fc.nat(1000), (seconds, minutes) => {
    if (parseTime(String(seconds), '--since') !== seconds * 1000) throw new Error(`unix ${seconds}`);
    if (parseTime(`${minutes}m`, '--since', 10 ** 13) !== 10 ** 13 - minutes * 60_000) throw new Error(`${minutes}m`);
    const iso = new Date(seconds * 1000).toISOString();
    if (parseTime(iso, '--since') !== seconds * 1000) throw new Error(iso);
  })));

t.test('parsePairs: KEY=VALUE splits at the first =', (t) =>
  check(t, 'pairs', 500, fc.property(fc.array(fc.tuple(fc.string({ minLength: 1 }).filter((k) => !k.includes('=')), fc.string()), { maxLength: 5 }), (pairs) => {
    const got = parsePairs(pairs.map(([k, v]) => `${k}=${v}`), '--label');
    if (JSON.stringify(got) !== JSON.stringify(pairs)) throw new Error(JSON.stringify(got));
  })));
