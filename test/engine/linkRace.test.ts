/**
 * cp and export against containers that keep swapping a dir with a symlink to a host dir
 * (renameat2 RENAME_EXCHANGE in a loop, test/fixtures/hostile.c): over many tries nothing is
 * ever written to the host dir, and its secret never comes out, whether the swapper is the
 * container itself (export, commit) or another one sharing a volume with it (cp, which freezes
 * only its target), running or not.
 *
 * The tries go to the daemon over the bus (the requests the CLI sends: test/cli/cp.test.ts covers
 * the CLI's side), not through a CLI process each: a CLI's start was most of a try's time, and
 * the race is in the daemon's walk, which is the same either way.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { connectEngine } from '../../client/connect.js';
import { BerthError } from '../../events/errors.js';
import { copyOut } from '../../runtime/containers/copy.js';
import { layoutFrom } from '../../runtime/layout.js';
import { startEngine, until } from '../helpers/engine.js';
import { makeHostileTar } from '../helpers/hostile.js';

const engine = await startEngine(t);
await engine.ok(['import', await makeHostileTar(engine.dir), 'hostile']);
const client = await connectEngine({ layout: layoutFrom({ root: engine.root, runRoot: engine.runRoot }), name: 'linkRace' });
if (!client) throw new Error('the engine\'s daemon does not answer');
t.teardown(() => client.close());

/** Outside every container: what the swapped-in links point to. */
const hostDir = path.join(engine.dir, 'host-secret');
const marker = `berth-secret-${randomBytes(12).toString('hex')}`;
const TRIES = 20;
/** Five tests of this budget and the setup stay within tap's timeout, even at a high load. */
const BUDGET_MS = 60_000;
const REQUEST_TIMEOUT_MS = 120_000;

/** Runs `attempt` up to TRIES times (and within the budget); stops at the first leak found. */
async function tries(attempt: (i: number) => Promise<string | null>): Promise<{ count: number; leak: string | null }> {
  const end = Date.now() + BUDGET_MS;
  let count = 0;
  while (count < TRIES && Date.now() < end) {
    const leak = await attempt(count++);
    if (leak) return { count, leak };
  }
  return { count, leak: null };
}

/**
 * Whether `request` was done (true) or refused by the engine (false: the CLI's exit 125); a
 * failure of any other kind is returned as a message, as a leak would be.
 */
async function done(request: Promise<unknown>): Promise<boolean | string> {
  try {
    await request;
    return true;
  } catch (error) {
    return error instanceof BerthError && error.exitCode === 125 ? false : `failed with ${String(error)}`;
  }
}

/** The same names in the host dir and in the swapped dir: every open through the link finds one. */
const NAMES = Array.from({ length: 100 }, (_, i) => `s${String(i).padStart(2, '0')}`);

/** What changed in the host dir, or null when it holds only its secrets, as written. */
async function hostChange(): Promise<string | null> {
  const names = (await fs.readdir(hostDir)).sort();
  if (names.join() !== NAMES.join()) return `the host dir now holds ${names.filter((n) => !NAMES.includes(n)).join(', ') || 'fewer files'}`;
  for (const name of NAMES) {
    const content = await fs.readFile(path.join(hostDir, name), 'utf8');
    if (content !== `${marker}\n`) return `the host's ${name} was overwritten with ${JSON.stringify(content.slice(0, 40))}`;
  }
  return null;
}

/** A container running `/hostile exchange` on DIR/d (a dir) and DIR/l (a link to the host dir). */
async function swapper(name: string, dir: string, flags: string[]): Promise<void> {
  const setup = `mkdir -p ${dir}/d && cd ${dir}/d && for n in ${NAMES.join(' ')}; do echo inside > $n; done && ln -s ${hostDir} ${dir}/l`;
  await engine.ok(['run', '-d', '--name', name, ...flags, 'hostile', 'sh', '-c', `${setup} && exec /hostile exchange ${dir}/d ${dir}/l`]);
  await until(`${name} swapping`, async () => (await engine.berth(['exec', name, 'sh', '-c', `test -L ${dir}/d || test -L ${dir}/l`])).code === 0);
}

/** The payload's archives as the CLI writes them for `cp SRC CONTAINER:DEST`: SRC/. (its files land in DEST) and SRC (they land in DEST/payload). */
const payloads: Array<{ file: string; source: { name: string; isDir: boolean; contentsOnly: boolean } }> = [];

t.before(async () => {
  await fs.mkdir(hostDir);
  const payload = path.join(engine.dir, 'payload');
  await fs.mkdir(payload);
  for (const name of NAMES) {
    await fs.writeFile(path.join(hostDir, name), `${marker}\n`);
    await fs.writeFile(path.join(payload, name), 'payload\n');
  }
  for (const [i, source] of [`${payload}/.`, payload].entries()) {
    const file = path.join(engine.dir, `payload-${i}.tar`);
    const { name, isDir, contentsOnly } = await copyOut('/', source, false, file);
    payloads.push({ file, source: { name, isDir, contentsOnly } });
  }
  await engine.ok(['volume', 'create', 'shared']);
  await engine.ok(['run', '-d', '--name', 'target', '-v', 'shared:/shared', 'busybox', 'sleep', '1000']);
  await engine.ok(['create', '--name', 'cold', '-v', 'shared:/shared', 'busybox', 'true']);
  await swapper('swapper', '/shared', ['-v', 'shared:/shared']);
});

for (const container of ['target', 'cold']) {
  t.test(`cp into ${container === 'target' ? 'a running' : 'a never-started'} container never writes to the host`, async (t) => {
    let copied = 0;
    const result = await tries(async (i) => {
      const { file, source } = payloads[i % 2]!;
      const cp = await done(client.request({ op: 'container.copyTo', ref: container, path: '/shared/d/', file, source, owners: false }, REQUEST_TIMEOUT_MS));
      if (typeof cp === 'string') return `cp ${cp}`;
      if (cp) copied++;
      return hostChange();
    });
    t.equal(result.leak, null, `the host dir is untouched after ${result.count} tries (${copied} copies done)`);
  });

  t.test(`cp out of ${container === 'target' ? 'a running' : 'a never-started'} container never reads the host`, async (t) => {
    const file = path.join(engine.dir, `cp-out-${container}.tar`);
    const result = await tries(async (i) => {
      await fs.rm(file, { force: true });
      const cp = await done(client.request({ op: 'container.copyFrom', ref: container, path: `/shared/d${i % 2 ? '' : '/s00'}`, follow: false, file }, REQUEST_TIMEOUT_MS));
      if (typeof cp === 'string') return `cp ${cp}`;
      return cp && (await fs.readFile(file)).includes(marker) ? 'the host\'s secret came out' : null;
    });
    t.equal(result.leak, null, `the secret never came out in ${result.count} tries`);
  });
}

t.test('export and commit --pause=false of a container swapping its own files never read the host', async (t) => {
  // The cp tests' swapper is done: its busy loop would take the second core from the daemon.
  await engine.ok(['rm', '-f', 'swapper']);
  await swapper('exporter', '/data', []);
  const file = path.join(engine.dir, 'export.tar');
  const result = await tries(async (i) => {
    const committing = i % 4 === 3;
    await fs.rm(file, { force: true });
    const run = await done(committing
      ? client.request({ op: 'container.commit', ref: 'exporter', reference: `snap:${i}`, changes: [], pause: false }, REQUEST_TIMEOUT_MS)
      : client.request({ op: 'container.export', ref: 'exporter', path: file }, REQUEST_TIMEOUT_MS));
    if (typeof run === 'string') return `${committing ? 'commit' : 'export'} ${run}`;
    if (run && !committing && (await fs.readFile(file)).includes(marker)) return 'export wrote the host\'s secret';
    return null;
  });
  t.equal(result.leak, null, `the secret never came out in ${result.count} tries`);
  const images = (await engine.ok(['images', '-q', 'snap'])).split('\n').filter(Boolean);
  for (const image of new Set(images)) {
    const saved = path.join(engine.dir, 'snap.tar');
    await engine.ok(['save', '-o', saved, image]);
    t.notOk((await fs.readFile(saved)).includes(marker), `committed image ${image} holds no host secret`);
  }
  t.equal(await hostChange(), null, 'and the host dir is as it was');
});
