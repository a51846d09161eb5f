import t from 'tap';
import type { ImageView } from '../events/requests.js';
import { globMatch, imageFilter, type ImageRow } from './imageFilter.js';
import { listedImages } from '../client/views/intermediate.js';

const view = (id: string, tags: string[], created: string, labels: Record<string, string> = {}): ImageView => ({
  id: id.padEnd(64, '0'), host: 'h', tags, size: 1, created, diffIds: [], env: [], cmd: [], entrypoint: [], workingDir: '', labels,
});
const everything = [
  view('aa', ['busybox:latest', 'reg:5000/team/app:v1'], '2026-01-01T00:00:00Z', { team: 'x' }),
  view('bb', [], '2026-02-01T00:00:00Z'),
  view('cc', ['alpine:3'], '2026-03-01T00:00:00Z'),
];
const rows: ImageRow[] = everything.flatMap((v) => (v.tags.length ? v.tags : ['<none>:<none>']).map((tag) => {
  const colon = tag.lastIndexOf(':');
  return { view: v, repository: tag.slice(0, colon), tag: tag.slice(colon + 1) };
}));
const shown = (filters: string[]) => rows.filter((r) => imageFilter(filters)(r, everything)).map((r) => `${r.repository}:${r.tag}`);

t.test('images filters', async (t) => {
  t.same(shown(['dangling=true']), ['<none>:<none>']);
  t.same(shown(['dangling=false']), ['busybox:latest', 'reg:5000/team/app:v1', 'alpine:3']);
  t.same(shown(['reference=busy*']), ['busybox:latest']);
  t.same(shown(['reference=*/team/*']), ['reg:5000/team/app:v1'], '* stops at /');
  t.same(shown(['reference=alpine:3', 'reference=busybox']), ['busybox:latest', 'alpine:3'], 'the same key twice: either');
  t.same(shown(['label=team=x']), ['busybox:latest', 'reg:5000/team/app:v1']);
  t.same(shown(['before=alpine:3']), ['busybox:latest', 'reg:5000/team/app:v1', '<none>:<none>']);
  t.same(shown(['since=bb00']), ['alpine:3'], 'by id prefix');
  t.throws(() => shown(['since=nosuch:1']), /No such image: nosuch:1/);
  t.throws(() => imageFilter(['dangling=maybe']), /use true or false/);
  t.throws(() => imageFilter(['color=red']), /invalid filter 'color'/);
  t.equal(globMatch('a?c', 'abc'), true);
  t.equal(globMatch('a.c', 'abc'), false, 'a dot is a dot');
});

t.test('intermediate images: hidden without -a, and never dangling=true (Docker\'s heads)', async (t) => {
  const step = view('dd', [], '2026-04-01T00:00:00Z');
  const final = { ...view('ee', ['app:1'], '2026-04-02T00:00:00Z'), parent: step.id };
  const all = [...everything, step, final];
  t.same(listedImages(all, false).map((v) => v.id.slice(0, 2)), ['aa', 'bb', 'cc', 'ee'], 'the untagged parent hidden; an untagged head shown');
  t.same(listedImages(all, true).map((v) => v.id.slice(0, 2)), ['aa', 'bb', 'cc', 'dd', 'ee']);
  const stepRow: ImageRow = { view: step, repository: '<none>', tag: '<none>' };
  t.equal(imageFilter(['dangling=true'])(stepRow, all), false);
  t.equal(imageFilter(['dangling=true'])(stepRow, everything), true, 'no child: dangling');
});
