import t from 'tap';
import { logDriverReads, logOptionsOf, logStorageOf, parseLogConfig, parseLogDriver, resolveLogConfig } from './logDrivers.js';

const parse = (driver: string | undefined, options: Record<string, string>) => parseLogConfig(driver, Object.entries(options));

t.test('drivers: Docker\'s names, Docker\'s message for another', async (t) => {
  for (const name of ['json-file', 'local', 'none', 'journald']) t.equal(parseLogDriver(name), name);
  t.throws(() => parseLogDriver('syslog'), /^logger: no log driver named 'syslog' is registered$/);
  t.throws(() => parse('fluentd', {}), /no log driver named 'fluentd'/);
});

t.test('each driver takes its own options only', async (t) => {
  t.same(parse('local', { 'max-size': '5m', 'max-file': '2', compress: 'false' }), { driver: 'local', maxSizeBytes: 5_000_000, maxFiles: 2, compress: false });
  t.same(parse('local', { compress: 'TRUE' }), { driver: 'local', compress: true }, 'Go\'s ParseBool spellings');
  t.throws(() => parse('local', { compress: 'yes' }), /^error reading compress log option: strconv.ParseBool: parsing "yes": invalid syntax$/);
  t.throws(() => parse('local', { labels: 'a' }), /^unknown log opt 'labels' for local log driver$/);
  t.throws(() => parse('none', { 'max-size': '1m' }), /^unknown log opt 'max-size' for none log driver$/);
  t.same(parse('journald', { tag: 'web' }), { driver: 'journald', tag: 'web' });
  t.throws(() => parse('journald', { 'max-file': '2' }), /unknown log opt 'max-file' for journald log driver/);
  t.same(parse('json-file', { compress: 'true', 'max-size': '1k', 'max-file': '2' }), { driver: 'json-file', compress: true, maxSizeBytes: 1000, maxFiles: 2 });
  t.same(parse('json-file', { 'labels-regex': '^com\\.', 'env-regex': 'A|B', labels: 'x', env: 'Y' }), { driver: 'json-file', labelsRegex: '^com\\.', envRegex: 'A|B', labels: ['x'], env: ['Y'] });
  t.throws(() => parse('json-file', { 'labels-regex': '(' }), /^error parsing regexp: Unterminated group: `\(`$/);
  t.same(parse('json-file', { tag: '{{.Name}}' }), { driver: 'json-file', tag: '{{.Name}}' });
  t.throws(() => parse('journald', { tag: '{{.Name' }), /template/, 'a tag that does not parse');
  t.throws(() => parse('local', { tag: 'x' }), /^unknown log opt 'tag' for local log driver$/);
  t.same(parse('journald', { labels: 'a', 'env-regex': '^E' }), { driver: 'journald', labels: ['a'], envRegex: '^E' });
  t.throws(() => parse('local', { 'env-regex': 'x' }), /^unknown log opt 'env-regex' for local log driver$/);
  t.throws(() => parse('local', { 'max-file': '0' }), /max-file cannot be less than 1/);
  t.throws(() => parse('local', { 'max-size': 'lots' }), /invalid size: 'lots'/);
  t.equal(parse(undefined, {}), undefined, 'neither: the daemon\'s default');
  t.same(parse(undefined, { compress: 'false', 'max-size': '1k' }), { compress: false, maxSizeBytes: 1000 }, 'no driver: checked when the daemon resolves it');
});

t.test('the daemon\'s default, merged as dockerd merges it', async (t) => {
  t.same(resolveLogConfig(undefined, undefined), { driver: 'json-file' });
  t.same(resolveLogConfig(undefined, { driver: 'local', maxFiles: 3 }), { driver: 'local', maxFiles: 3 });
  t.same(resolveLogConfig({ maxSizeBytes: 1000 }, { driver: 'local', maxFiles: 3 }), { driver: 'local', maxFiles: 3, maxSizeBytes: 1000 }, 'same driver: the daemon\'s options fill the gaps');
  t.same(resolveLogConfig({ driver: 'local', maxFiles: 2 }, { driver: 'local', maxFiles: 3, compress: false }), { driver: 'local', maxFiles: 2, compress: false });
  t.same(resolveLogConfig({ driver: 'none' }, { driver: 'local', maxFiles: 3 }), { driver: 'none' }, 'another driver: none of the daemon\'s options');
  t.same(resolveLogConfig({ maxFiles: 4 }, { maxSizeBytes: 1000 }), { driver: 'json-file', maxSizeBytes: 1000, maxFiles: 4 });
  t.throws(() => resolveLogConfig({ compress: false }, { driver: 'none' }), /^unknown log opt 'compress' for none log driver$/);
  const compressRefused = /^compress cannot be true when max-file is less than 2 or max-size is not set$/;
  t.throws(() => resolveLogConfig({ compress: true, maxSizeBytes: 1000 }, undefined), compressRefused, 'json-file: one file');
  t.throws(() => resolveLogConfig({ compress: true, maxFiles: 3 }, undefined), compressRefused, 'json-file: no max-size');
  t.same(resolveLogConfig({ compress: true, maxFiles: 3 }, { maxSizeBytes: 1000 }), { driver: 'json-file', compress: true, maxFiles: 3, maxSizeBytes: 1000 }, 'the daemon\'s max-size counts');
  t.same(resolveLogConfig({ compress: false }, undefined), { driver: 'json-file', compress: false });
  t.throws(() => resolveLogConfig({ maxFiles: 2 }, { driver: 'none' }), /^unknown log opt 'max-file' for none log driver$/);
});

t.test('inspect\'s Config: Docker\'s names and strings', async (t) => {
  t.same(logOptionsOf({ driver: 'local', maxSizeBytes: 20_000, maxFiles: 3, compress: false }), { 'max-size': '20000', 'max-file': '3', compress: 'false' });
  t.same(logOptionsOf({ labels: ['a', 'b'], env: ['E'] }), { labels: 'a,b', env: 'E' });
  t.same(logOptionsOf({ labelsRegex: '^a', envRegex: 'E$' }), { 'labels-regex': '^a', 'env-regex': 'E$' });
  t.same(logOptionsOf(undefined), {});
});

t.test('how each driver stores the output', async (t) => {
  t.same(logStorageOf(undefined), { file: 'log', maxSizeBytes: undefined, maxFiles: undefined, compress: false, journald: false }, 'json-file without options: one file that grows');
  t.same(logStorageOf({ driver: 'local' }), { file: 'log', maxSizeBytes: 20_000_000, maxFiles: 5, compress: true, journald: false }, 'local: Docker\'s defaults');
  t.equal(logStorageOf({ driver: 'local', maxFiles: 1 }).compress, false, 'one file: nothing rotated to compress');
  t.equal(logStorageOf({ driver: 'local', compress: false }).compress, false);
  t.equal(logStorageOf({ driver: 'json-file', maxFiles: 3, maxSizeBytes: 1000 }).compress, false, 'json-file: not unless asked');
  t.equal(logStorageOf({ driver: 'json-file', maxFiles: 3, maxSizeBytes: 1000, compress: true }).compress, true);
  t.match(logStorageOf({ driver: 'none' }), { file: 'spool', maxFiles: 1, journald: false });
  t.match(logStorageOf({ driver: 'journald' }), { file: 'spool', journald: true });
});

t.test('which drivers logs reads: the files, and journald\'s journal; not none', async (t) => {
  t.ok(logDriverReads(undefined));
  t.ok(logDriverReads({ driver: 'local' }));
  t.ok(logDriverReads({ driver: 'journald' }));
  t.notOk(logDriverReads({ driver: 'none' }));
});
