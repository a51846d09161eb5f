/**
 * cp and export against containers that keep swapping a dir with a symlink to a host dir
 * (renameat2 RENAME_EXCHANGE in a loop, test/fixtures/hostile.c): over many tries nothing is
 * ever written to the host dir, and its secret never comes out, whether the swapper is the
 * container itself (export, commit) or another one sharing a volume with it (cp, which freezes
 * only its target), running or not.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { startEngine, until } from '../helpers/engine.js';
import { makeHostileTar } from '../helpers/hostile.js';

const engine = await startEngine(t);
await engine.ok(['import', await makeHostileTar(engine.dir), 'hostile']);

/** Outside every container: what the swapped-in links point to. */
const hostDir = path.join(engine.dir, 'host-secret');
const marker = `berth-secret-${randomBytes(12).toString('hex')}`;
const TRIES = 20;
const BUDGET_MS = 120_000;

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

t.before(async () => {
  await fs.mkdir(hostDir);
  await fs.mkdir(path.join(engine.dir, 'payload'));
  for (const name of NAMES) {
    await fs.writeFile(path.join(hostDir, name), `${marker}\n`);
    await fs.writeFile(path.join(engine.dir, 'payload', name), 'payload\n');
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
      // The payload's files land in d itself (SRC/.), or in d/payload.
      const cp = await engine.berth(['cp', path.join(engine.dir, 'payload', i % 2 ? '' : '.'), `${container}:/shared/d/`]);
      if (cp.code === 0) copied++;
      else if (cp.code !== 125) return `cp exited ${cp.code}: ${cp.stderr}`;
      return hostChange();
    });
    t.equal(result.leak, null, `the host dir is untouched after ${result.count} tries (${copied} copies done)`);
  });

  t.test(`cp out of ${container === 'target' ? 'a running' : 'a never-started'} container never reads the host`, async (t) => {
    const result = await tries(async (i) => {
      const cp = await engine.berth(['cp', `${container}:/shared/d${i % 2 ? '' : '/s00'}`, '-']);
      if (cp.code !== 0 && cp.code !== 125) return `cp exited ${cp.code}: ${cp.stderr}`;
      return cp.stdout.includes(marker) ? 'the host\'s secret came out' : null;
    });
    t.equal(result.leak, null, `the secret never came out in ${result.count} tries`);
  });
}

t.test('export and commit --pause=false of a container swapping its own files never read the host', async (t) => {
  await swapper('exporter', '/data', []);
  const file = path.join(engine.dir, 'export.tar');
  const result = await tries(async (i) => {
    const run = i % 4 === 3 ? await engine.berth(['commit', '--pause=false', 'exporter', `snap:${i}`]) : await engine.berth(['export', '-o', file, 'exporter']);
    if (run.code !== 0 && run.code !== 125) return `exited ${run.code}: ${run.stderr}`;
    if (run.code === 0 && i % 4 !== 3 && (await fs.readFile(file)).includes(marker)) return 'export wrote the host\'s secret';
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
