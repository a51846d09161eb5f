import t from 'tap';
import type { ContainerView } from '../../events/requests.js';
import { psFilter, psRow } from './ps.js';

const view = (id: string, name: string, status: string, extra: Partial<ContainerView> = {}, labels: Record<string, string> = {}): ContainerView => ({
  id: id.padEnd(64, '0'), host: 'h', status, created: 1000,
  config: { name, image: 'ab'.repeat(32), imageRef: 'busybox', cmd: ['sh', '-c', 'x'], env: [], workingDir: '/', hostname: 'h', autoRemove: false, labels } as ContainerView['config'],
  pid: null, exitCode: null, oomKilled: false, error: null, startedAt: null, finishedAt: null, restartCount: 0, health: null, ...extra,
});
const all = [
  view('aaa', 'web', 'running', { created: 1000 }, { tier: 'web' }),
  view('bbb', 'db', 'exited', { exitCode: 3, created: 2000 }, { tier: 'db' }),
  view('ccc', 'job', 'created', { created: 3000 }),
  view('ddd', 'boot', 'starting', { created: 4000 }),
];
const names = (filters: string[]) => all.filter((v) => psFilter(filters).keep(v, all)).map((v) => v.config.name);

t.test('filters', async (t) => {
  t.same(names([]), ['web', 'db', 'job', 'boot']);
  t.same(names(['id=bb']), ['db']);
  t.same(names(['name=^w']), ['web']);
  t.same(names(['label=tier']), ['web', 'db']);
  t.same(names(['label=tier=db']), ['db']);
  t.same(names(['label=tier', 'label=tier=db']), ['db'], 'every label given must match, as Docker (compose asks two)');
  t.same(names(['label=tier=web', 'label=tier=db']), []);
  t.same(names(['status=exited', 'status=running']), ['web', 'db']);
  t.same(names(['status=created']), ['job', 'boot'], 'starting is Docker\'s created');
  t.same(names(['exited=3']), ['db']);
  t.same(names(['ancestor=busybox:latest']), ['web', 'db', 'job', 'boot']);
  t.same(names(['ancestor=abab']), ['web', 'db', 'job', 'boot'], 'an image id prefix');
  t.same(names(['ancestor=alpine']), []);
  t.same(names(['label=tier', 'status=running']), ['web']);
  t.same(names(['before=job']), ['web', 'db'], 'created before job');
  t.same(names(['since=db']), ['job', 'boot']);
  t.same(names(['since=aaa', 'before=ddd']), ['db', 'job'], 'by id prefix, both bounds');
  t.throws(() => names(['before=nosuch']), /No such container: nosuch/);
  t.equal(psFilter(['name=x']).needsAll, false);
  t.equal(psFilter(['status=running']).needsAll, true);
  t.equal(psFilter(['exited=0']).needsAll, true);
  t.throws(() => psFilter(['nokey']), /bad format of filter/);
  t.throws(() => psFilter(['color=red']), /invalid filter 'color'/);
  t.throws(() => psFilter(['status=sleepy']), /invalid filter 'status=sleepy'/);
  t.throws(() => psFilter(['exited=x']), /exit code/);
  t.throws(() => psFilter(['name=(']), /regular expression/);
});

t.test('rows for templates', async (t) => {
  const row = psRow(all[1]!, false, 62_000);
  t.equal(row.ID, 'bbb000000000');
  t.equal(row.Names, 'db');
  t.equal(row.State, 'exited');
  t.equal(row.Labels, 'tier=db');
  t.equal(row.RunningFor, 'About a minute ago');
  t.equal(row.Command, '"sh -c x"');
  t.equal(psRow(all[1]!, true).ID, all[1]!.id);
  t.equal(row.Size, '', 'no size unless asked');
  t.equal(psRow({ ...all[1]!, sizeRw: 2, sizeRootFs: 4_260_000 }, false).Size, '2B (virtual 4.26MB)');
  t.equal(psRow(all[3]!, false).State, 'created');
});
