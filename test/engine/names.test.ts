/**
 * Container names through the real CLI: claimed once through the names decider, whoever races
 * for them; released by removal and rename; kept across a daemon restart.
 */
import t from 'tap';
import { startEngine } from '../helpers/engine.js';

const engine = await startEngine(t);
const namesOf = async () => (await engine.ok(['ps', '-a', '--format', '{{.Names}}'])).trim().split('\n').filter(Boolean).sort();

t.test('many creates racing for one name: exactly one container, the rest a clear conflict', async (t) => {
  const racers = 5;
  const results = await Promise.all(Array.from({ length: racers }, () => engine.berth(['create', '--name', 'raced', 'busybox', 'true'])));
  const won = results.filter((r) => r.code === 0);
  const lost = results.filter((r) => r.code !== 0);
  t.equal(won.length, 1, 'one create succeeds');
  t.equal(lost.length, racers - 1);
  for (const result of lost) {
    t.equal(result.code, 125);
    t.match(result.stderr, /^berth: Conflict\. The container name "\/raced" is already in use by container "[0-9a-f]{64}"/);
  }
  t.same(await namesOf(), ['raced'], 'ps -a shows one');
  t.equal((await engine.inspect('raced')).Id, won[0]!.stdout.trim());
  await engine.ok(['rm', 'raced']);
});

t.test('a removed container\'s name is free at once, also after run --rm', async (t) => {
  await engine.ok(['create', '--name', 'reused', 'busybox', 'true']);
  await engine.ok(['rm', 'reused']);
  await engine.ok(['create', '--name', 'reused', 'busybox', 'true']);
  await engine.ok(['rm', 'reused']);
  for (let i = 0; i < 3; i++) t.equal(await engine.ok(['run', '--rm', '--name', 'again', 'busybox', 'echo', String(i)]), `${i}\n`);
  t.same(await namesOf(), []);
});

t.test('rename claims the new name and frees the old one', async (t) => {
  await engine.ok(['create', '--name', 'first', 'busybox', 'true']);
  await engine.ok(['create', '--name', 'second', 'busybox', 'true']);
  const clash = await engine.berth(['rename', 'first', 'second']);
  t.equal(clash.code, 125);
  t.match(clash.stderr, /The container name "\/second" is already in use/);
  const invalid = await engine.berth(['rename', 'first', 'bad/name']);
  t.equal(invalid.code, 125);
  t.match(invalid.stderr, /Invalid container name \(bad\/name\)/);
  await engine.ok(['rename', 'first', 'third']);
  await engine.ok(['create', '--name', 'first', 'busybox', 'true']);
  t.same(await namesOf(), ['first', 'second', 'third'], 'the old name was free again, the failed renames changed nothing');
  const same = await engine.berth(['rename', 'third', 'third']);
  t.equal(same.code, 125);
  t.same(await namesOf(), ['first', 'second', 'third'], 'renaming to its own name keeps it');
});

t.test('names held and freed survive a daemon restart', async (t) => {
  await engine.ok(['rm', 'first']);
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    // SIGTERM: replayed from snapshots; SIGKILL: from the log's tail.
    await engine.killDaemon(signal);
    await engine.startDaemon();
    const held = await engine.berth(['create', '--name', 'second', 'busybox', 'true']);
    t.equal(held.code, 125, `${signal}: a held name is still held`);
    t.match(held.stderr, /already in use/);
    const freed = (await engine.ok(['create', '--name', 'first', 'busybox', 'true'])).trim();
    t.match(freed, /^[0-9a-f]{64}$/, `${signal}: a freed name is still free`);
    await engine.ok(['rm', 'first']);
  }
  await engine.ok(['rm', 'second', 'third']);
});

t.test('two images racing for one tag: it ends on exactly one of them', async (t) => {
  await engine.importBusybox('second');
  const first = (await engine.inspect('busybox')).Id;
  const second = (await engine.inspect('second')).Id;
  t.not(first, second, 'two images');
  for (let round = 0; round < 3; round++) {
    await Promise.all([engine.ok(['tag', first, 'raced:tag']), engine.ok(['tag', second, 'raced:tag'])]);
    const carriers = [first, second];
    const tags = await Promise.all(carriers.map(async (id) => (await engine.inspect(id)).RepoTags as string[]));
    t.equal(tags.filter((list) => list.includes('raced:tag')).length, 1, `round ${round}: one image carries the tag`);
    t.equal((await engine.inspect('raced:tag')).Id, carriers[tags.findIndex((list) => list.includes('raced:tag'))], 'and the tag names that one');
  }
  await engine.ok(['rmi', 'raced:tag']);
  await engine.ok(['tag', first, 'raced:tag']);
  t.same((await engine.inspect(first)).RepoTags.includes('raced:tag'), true, 'an untagged name can be claimed again');
  await engine.ok(['rmi', 'raced:tag']);
  await engine.ok(['rmi', 'second']);
});
