import t from 'tap';
import { parseBytes, parseConstraints, parseEnv, parsePairs, parsePositiveInt, parseRestartPolicy, parseTime } from './parse.js';
import { createSpec } from './commands/run.js';
import { matches, parseFilters } from './commands/events.js';
import type { StoredEvent } from '../events/store.js';

t.test('sizes as Docker reads them', async (t) => {
  t.equal(parseBytes('64m', '-m'), 64 * 1024 * 1024);
  t.equal(parseBytes('1g', '-m'), 1024 ** 3);
  t.equal(parseBytes('1.5k', '-m'), 1536);
  t.equal(parseBytes('100', '-m'), 100);
  t.equal(parseBytes('2MB', '-m'), 2 * 1024 * 1024);
  t.throws(() => parseBytes('lots', '--memory'), /invalid value "lots" for --memory/);
  t.throws(() => parseBytes('0', '--memory'), /must be positive/);
  t.equal(parsePositiveInt('5', '--pids-limit'), 5);
  t.throws(() => parsePositiveInt('-1', '--pids-limit'));
});

t.test('-e takes VAR=value, or VAR from the environment when set', async (t) => {
  t.same(parseEnv(['A=1', 'B', 'C', 'D=x=y'], { B: 'from-env' }), ['A=1', 'B=from-env', 'D=x=y']);
  t.throws(() => parseEnv(['=bad']), /invalid environment variable/);
  t.same(parsePairs(['a=b', 'c='], '--label'), [['a', 'b'], ['c', '']]);
  t.throws(() => parsePairs(['nokey'], '--label'), /use key=value/);
});

t.test('times: RFC 3339, Unix seconds, or durations back from now', async (t) => {
  const now = 1_700_000_000_000;
  t.equal(parseTime('1700000000', '--since', now), 1_700_000_000_000);
  t.equal(parseTime('1700000000.5', '--since', now), 1_700_000_000_500);
  t.equal(parseTime('10m', '--since', now), now - 600_000);
  t.equal(parseTime('1h30m', '--since', now), now - 5_400_000);
  t.equal(parseTime('0s', '--until', now), now);
  t.equal(parseTime('2026-01-02T03:04:05Z', '--since', now), Date.parse('2026-01-02T03:04:05Z'));
  t.throws(() => parseTime('yesterday', '--since', now), /invalid value "yesterday" for --since/);
});

t.test('run flags become a create spec, or a clear error', async (t) => {
  const spec = createSpec('busybox', ['echo', 'hi'], { env: ['A=1'], label: ['k=v'], rm: true, memory: '64m', pidsLimit: '10', name: 'x' });
  t.match(spec, { imageRef: 'busybox', cmd: ['echo', 'hi'], env: ['A=1'], labels: { k: 'v' }, autoRemove: true, memoryBytes: 67108864, pidsLimit: 10, name: 'x' });
  t.match(spec.id, /^[a-f0-9]{64}$/);
  t.throws(() => createSpec('busybox', [], { env: [], label: [], workdir: 'rel' }), /absolute path/);
  t.throws(() => createSpec('busybox', [], { env: [], label: [], name: '-x' }), /Invalid container name/);
  t.throws(() => createSpec('busybox', [], { env: [], label: [], memory: '1m' }), /Minimum memory limit/);
  t.throws(() => createSpec('Bad', [], { env: [], label: [] }), /invalid reference format/);
});

t.test('event filters', async (t) => {
  const stored = {
    seq: 1,
    event: { type: 'container.died', kind: 'container', entity: 'abc123', host: 'h1', attributes: { name: 'web', image: 'busybox', tier: 'front' } },
  } as unknown as StoredEvent;
  const action = { type: 'container', action: 'die', attributes: { name: 'web', image: 'busybox', tier: 'front' } };
  const ok = (...f: string[]) => matches(stored, action, parseFilters(f));
  t.ok(ok());
  t.ok(ok('container=web'));
  t.ok(ok('container=abc'));
  t.notOk(ok('container=db'));
  t.ok(ok('event=start', 'event=die'), 'values of one key are alternatives');
  t.notOk(ok('event=die', 'type=image'), 'keys must all match');
  t.ok(ok('image=busybox', 'host=h1', 'label=tier=front', 'label=tier'));
  t.notOk(ok('label=tier=back'));
  t.throws(() => parseFilters(['colour=red']), /invalid filter 'colour'/);
});

t.test('constraints are key=value', async (t) => {
  t.same(parseConstraints(['zone=y', 'host=a']), [{ key: 'zone', value: 'y' }, { key: 'host', value: 'a' }]);
  t.throws(() => parseConstraints(['zone']), /invalid --constraint "zone": use key=value/);
});

t.test('policy syntax', async (t) => {
  t.same(parseRestartPolicy('on-failure:3'), { name: 'on-failure', maximumRetryCount: 3 });
  t.same(parseRestartPolicy('always'), { name: 'always', maximumRetryCount: 0 });
  t.throws(() => parseRestartPolicy('always:3'), /cannot be used/);
  t.throws(() => parseRestartPolicy('sometimes'), /invalid restart policy/);
  t.throws(() => parseRestartPolicy('on-failure:x'), /must be an integer/);
});
