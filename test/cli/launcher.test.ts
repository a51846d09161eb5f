/**
 * The CLI's launcher (written by scripts/bundle.mjs): a copy of the built launcher and bundle in
 * a temp dir runs, writes V8's code cache of a verb after the verb's first command, keeps an
 * accepted cache, and replaces one V8 refuses; the bundle holds no test code. Started by its `#!`
 * line, as `berth` on the PATH is, the CLI's process runs with glibc's malloc tunables in force,
 * and passes the caller's environment on unchanged.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { launcherLine } from '../helpers/launcher.js';

const run = promisify(execFile);
const BUILT = fileURLToPath(new URL('../../cli/', import.meta.url));

t.test('the code cache is written once, kept while accepted, replaced when refused', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-launcher-'));
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
  for (const file of ['main.cjs', 'main.js', 'berth.cjs']) await fs.copyFile(path.join(BUILT, file), path.join(dir, file));
  const cache = path.join(dir, 'code-cache', 'other');
  const help = async (...verb: string[]) => (await run(process.execPath, [path.join(dir, 'main.cjs'), ...verb, '--help'])).stdout;

  const first = await help();
  t.match(first, /Usage: berth/, 'the bundle runs from the copy');
  const written = await fs.stat(cache);
  t.ok(written.size > 0, 'the first command wrote the cache');

  t.equal(await help(), first, 'the same output from the cache');
  t.equal((await fs.stat(cache)).ino, written.ino, 'an accepted cache is left as it is');
  t.equal((await run(process.execPath, [path.join(dir, 'main.js'), '--help'])).stdout, first, 'tsc\'s entry path runs the same launcher');

  await fs.writeFile(cache, 'not a code cache');
  t.equal(await help(), first, 'a refused cache is no harm');
  const rewritten = await fs.stat(cache);
  t.not(rewritten.ino, written.ino, 'and is replaced');
  t.ok(rewritten.size > 100, 'by a real one');

  t.match(await help('ps'), /Usage: berth ps/, 'a verb');
  t.same((await fs.readdir(path.join(dir, 'code-cache'))).sort(), ['other', 'ps'], 'has a cache of its own, and no temp file is left');
  t.equal((await fs.stat(cache)).ino, rewritten.ino, 'the other cache untouched');
});

t.test('the daemon\'s launcher runs its own bundle and writes its one cache at exit', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-launcher-'));
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
  for (const file of ['daemon.cjs', 'berthd.cjs']) await fs.copyFile(path.join(BUILT, file), path.join(dir, file));
  const help = async () => (await run(process.execPath, [path.join(dir, 'daemon.cjs'), '--help'])).stdout;
  const first = await help();
  t.match(first, /Usage: berthd/, 'berthd\'s own program, from its bundle');
  t.match(first, /--docker-socket/, 'with the daemon\'s flags');
  t.same(await fs.readdir(path.join(dir, 'code-cache')), ['berthd'], 'one cache, named berthd');
  t.equal(await help(), first, 'the same from the cache');
  // A setting refused before anything runs: berthd's one line and exit code, from the bundle too.
  const refused = await run(process.execPath, [path.join(dir, 'daemon.cjs'), '--root', path.join(dir, 'r'), '--run-root', path.join(dir, 'rr'), '--docker-api-creds', '/nowhere.creds']).then(() => null, (error: { code: number; stderr: string }) => error);
  t.equal(refused?.code, 125);
  t.match(refused?.stderr, /^berthd: docker-api-creds is for a daemon on a cluster's NATS/);
});

t.test('berth daemon runs berthd\'s program from the daemon\'s bundle, which the CLI\'s does not hold', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-launcher-'));
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
  for (const file of ['main.cjs', 'berth.cjs', 'daemon.cjs', 'berthd.cjs']) await fs.copyFile(path.join(BUILT, file), path.join(dir, file));
  // berthd's own refusal, with the global flags before the verb passed on to it.
  const refused = await run(process.execPath, [path.join(dir, 'main.cjs'), '--root', path.join(dir, 'r'), 'daemon', '--run-root', path.join(dir, 'rr'), '--docker-api-creds', '/nowhere.creds'])
    .then(() => null, (error: { code: number; stderr: string }) => error);
  t.equal(refused?.code, 125);
  t.match(refused?.stderr, /^berthd: docker-api-creds is for a daemon on a cluster's NATS/);
  // A log line of actors/daemon.ts: in the daemon's bundle, not in the CLI's.
  t.match(await fs.readFile(path.join(dir, 'berthd.cjs'), 'latin1'), /serving metrics/);
  t.notMatch(await fs.readFile(path.join(dir, 'berth.cjs'), 'latin1'), /serving metrics/, 'the CLI\'s bundle holds none of the daemon');
});

/**
 * Loaded before the launcher (NODE_OPTIONS=--require): it writes what the process was started
 * with (its environment before the launcher ran), what it leaves its children (process.env at
 * exit), and whether malloc's heap asked for huge pages (smaps: VmFlags "hg", the madvise
 * glibc.malloc.hugetlb=1 makes).
 */
const PROBE = `
const fs = require('node:fs');
const started = process.env.GLIBC_TUNABLES;
process.on('exit', () => {
  const heap = fs.readFileSync('/proc/self/smaps', 'latin1').split(/\\n(?=[0-9a-f]+-[0-9a-f]+ )/).find((m) => /\\[heap\\]/.test(m.split('\\n')[0]));
  fs.writeFileSync(process.env.PROBE_OUT, JSON.stringify({
    started: started ?? null,
    children: process.env.GLIBC_TUNABLES ?? null,
    heapHugePages: heap === undefined ? null : /^VmFlags:.* hg\\b/m.test(heap),
  }));
});
`;

t.test('started by its #! line, the CLI runs with malloc\'s tunables, and its children get the caller\'s environment', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-launcher-'));
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
  for (const file of ['main.cjs', 'berth.cjs']) await fs.copyFile(path.join(BUILT, file), path.join(dir, file));
  await fs.writeFile(path.join(dir, 'probe.cjs'), PROBE);
  const ours = launcherLine(path.join(dir, 'main.cjs')).env.GLIBC_TUNABLES.replace(/:\$\{GLIBC_TUNABLES\}$/, '');
  t.match(ours, /^glibc\.malloc\.hugetlb=1:glibc\.malloc\.top_pad=\d+$/, 'the #! line sets them, then the caller\'s');
  const probe = async (env: Record<string, string>) => {
    const out = path.join(dir, 'probe.json');
    // The launcher itself is executed: the kernel reads its #! line, as for `berth` on the PATH.
    const { stdout } = await run(path.join(dir, 'main.cjs'), ['--version'], { env: { PATH: process.env.PATH, NODE_OPTIONS: `--require ${path.join(dir, 'probe.cjs')}`, PROBE_OUT: out, ...env } });
    t.equal(stdout, '0.1.0\n');
    return JSON.parse(await fs.readFile(out, 'utf8')) as { started: string | null; children: string | null; heapHugePages: boolean | null };
  };
  t.same(await probe({}), { started: `${ours}:`, children: null, heapHugePages: true },
    'started with the tunables, in force (the heap is madvised for huge pages); nothing is passed on');
  t.same(await probe({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }), { started: `${ours}:glibc.malloc.arena_max=2`, children: 'glibc.malloc.arena_max=2', heapHugePages: true },
    'the caller\'s own come after ours, and are what its children get');
  t.same(await probe({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=0' }), { started: `${ours}:glibc.malloc.hugetlb=0`, children: 'glibc.malloc.hugetlb=0', heapHugePages: false },
    'a caller\'s setting of the same one wins');
});

t.test('the bundles hold no test framework', async (t) => {
  for (const name of ['berth.cjs', 'berthd.cjs']) {
    const bundle = await fs.readFile(path.join(BUILT, name), 'utf8');
    t.notMatch(bundle, /tapmock|@tapjs/, `tap stays out of ${name}`);
  }
});
