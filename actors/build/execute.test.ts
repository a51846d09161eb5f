/** The executor's rules over fake effects: which stages run, what the cache saves, which image is the result. */
import { createHash } from 'node:crypto';
import t from 'tap';
import type { BuildEvent, BuildOptions } from '../../events/requests.js';
import type { ImageRecord } from '../../events/image.js';
import { planBuild } from '../../runtime/build/plan.js';
import type { ConfigBlob } from '../../runtime/build/stageState.js';
import { BuildExecutor } from './execute.js';
import { Vertices } from './vertices.js';
import type { BuildEffects, BuiltImage } from './effects.js';

const digest = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

class FakeEffects implements BuildEffects {
  images = new Map<string, BuiltImage>();
  cache = new Map<string, string>();
  runs: string[][] = [];
  tags = new Map<string, string[]>();
  /** The sources' content by a COPY's sources (copySource's answer, and the staged digest); `vouch` false: copySource has none. */
  sources = new Map<string, string>();
  vouch = true;
  stagings = 0;

  constructor() {
    const blob: ConfigBlob = { architecture: 'amd64', os: 'linux', config: { Env: ['PATH=/bin'], Cmd: ['sh'] }, rootfs: { type: 'layers', diff_ids: [digest('base')] }, history: [] };
    this.images.set('base', { id: 'base', record: { size: 10 } as ImageRecord, blob });
  }

  async baseImage(ref: string) { if (ref !== 'busybox') throw new Error(`no ${ref}`); return this.images.get('base')!; }
  async image(id: string) { return this.images.get(id) ?? null; }
  async run(_image: string, _diffIds: string[], work: { argv: string[] }, onLine: (s: 'stdout', l: string) => void) {
    this.runs.push(work.argv);
    onLine('stdout', 'ran');
    if (work.argv.at(-1) === 'exit 3') throw new Error('exit code: 3');
    return { diffId: digest(work.argv.join(' ')), size: 1 };
  }
  async stageCopy(_from: unknown, _diffIds: string[], work: { sources: string[] }) { this.stagings++; const content = this.sources.get(work.sources.join()) ?? work.sources.join(); return { dir: `/staged/${content}`, digest: content }; }
  async copySource(_from: unknown, work: { sources: string[] }) { return this.vouch ? this.sources.get(work.sources.join()) ?? null : null; }
  async storeLayer(_diffIds: string[], dir: string) { return { diffId: digest(dir), size: 2 }; }
  async admit(blob: ConfigBlob, size: number) {
    const id = digest(JSON.stringify(blob)).slice(7);
    const image = { id, record: { size } as ImageRecord, blob };
    this.images.set(id, image);
    return image;
  }
  async tag(id: string, tags: string[]) { this.tags.set(id, tags); }
  async cacheGet(key: string) { return this.cache.get(key); }
  async cachePut(key: string, id: string) { this.cache.set(key, id); }
}

const options = (over: Partial<BuildOptions> = {}): BuildOptions => ({ tags: ['x:latest'], buildArgs: {}, noCache: false, labels: {}, ...over });

async function build(effects: FakeEffects, text: string, over: Partial<BuildOptions> = {}) {
  const events: BuildEvent[] = [];
  const plan = planBuild(text, { buildArgs: over.buildArgs ?? {}, ...(over.target ? { target: over.target } : {}) });
  const id = await new BuildExecutor(plan, options(over), effects, new Vertices((e) => events.push(e))).build();
  return { id, events, image: effects.images.get(id)! };
}

t.test('stages the target needs; layers, history and size of the result; the cache on a rebuild', async (t) => {
  const effects = new FakeEffects();
  const text = 'FROM busybox AS a\nRUN echo a\nFROM busybox AS skipped\nRUN exit 3\nFROM busybox\nCOPY --from=a /x /y\nRUN echo b\nENV K=v\n';
  const first = await build(effects, text, { labels: { l: '1' } });
  t.same(effects.runs.map((argv) => argv.at(-1)), ['echo a', 'echo b'], 'the skipped stage never runs');
  t.equal(first.image.blob.rootfs.diff_ids.length, 3, 'base, the COPY and the RUN of the target only');
  t.same(first.image.blob.config.Labels, { l: '1' });
  t.same(first.image.blob.history.map((h) => [h.created_by, h.empty_layer ?? false]), [
    ['COPY --from=a /x /y # buildkit', false], ['RUN /bin/sh -c echo b # buildkit', false], ['ENV K=v # buildkit', true],
  ]);
  t.equal(first.image.record.size, 13);
  t.same(effects.tags.get(first.id), ['x:latest']);
  t.ok(first.events.some((e) => e.name === '[a 2/2] RUN echo a'), 'BuildKit\'s vertex names');
  const again = await build(effects, text, { labels: { l: '1' } });
  t.equal(effects.runs.length, 2, 'nothing runs again');
  t.equal(again.events.filter((e) => e.status === 'cached').length, 3);
  t.equal(again.id, first.id, 'the same image');
  await build(effects, text, { labels: { l: '1' }, noCache: true });
  t.equal(effects.runs.length, 4, '--no-cache runs every RUN again');
});

t.test('a failing RUN is an error naming its line; no tag', async (t) => {
  const effects = new FakeEffects();
  await t.rejects(build(effects, 'FROM busybox\nRUN exit 3\n'), /^Dockerfile:2: RUN: exit code: 3$/);
  t.equal(effects.tags.size, 0);
});

t.test('a COPY is looked up by its sources before staging: a hit stages nothing; changed sources stage and miss', async (t) => {
  const effects = new FakeEffects();
  const text = 'FROM busybox\nCOPY a.txt /a\nRUN cat /a\n';
  effects.sources.set('a.txt', 'v1');
  await build(effects, text);
  t.equal(effects.stagings, 1);
  const again = await build(effects, text);
  t.equal(effects.stagings, 1, 'the sources\' key hit: no staging');
  t.equal(again.events.filter((e) => e.status === 'cached').length, 2, 'the COPY and the RUN from the cache');
  t.equal(effects.runs.length, 1);

  effects.sources.set('a.txt', 'v2');
  const changed = await build(effects, text);
  t.equal(effects.stagings, 2, 'changed sources are staged');
  t.equal(changed.events.filter((e) => e.status === 'cached').length, 0, 'and miss, and the RUN after them runs again');
  t.equal(effects.runs.length, 2);
  t.not(changed.id, again.id);

  effects.sources.set('a.txt', 'v1');
  await build(effects, text, { noCache: true });
  t.equal(effects.stagings, 3, '--no-cache stages even when the sources\' key is known');

  effects.vouch = false;
  const unvouched = await build(effects, text);
  t.equal(effects.stagings, 4, 'without a sources\' digest the step is staged');
  t.equal(unvouched.events.filter((e) => e.status === 'cached').length, 2, 'and found by its staged content');
});
