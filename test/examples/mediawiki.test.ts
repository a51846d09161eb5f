/**
 * examples/mediawiki end to end (issue 18), as `npm run e2e:mediawiki` and as part of `npm test`:
 * the Debian base image from the cache (or mmdebstrap on a cold machine), both images built with
 * `berth build`, the compose project up inside a network namespace of the test, then the six
 * checks: the main page through the published port; a page edited and served back; an image
 * uploaded and served back; both still there after down and up; after a daemon SIGKILL and after
 * a "reboot" (every process of the engine gone, its run root wiped, its links and rules gone);
 * and `down -v` leaving nothing behind.
 */
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t, { type Test } from 'tap';
import { cgroupDirsOf, startEngine, type Engine } from '../helpers/engine.js';
import { gateFile, requiresEngine, requiresProgram } from '../helpers/gates.js';
import { NetworkNamespace } from '../helpers/netns.js';
import { waitFor } from '../helpers/waitFor.js';
import { isAlive } from '../../runtime/processes.js';
import { PNG, projectState, wipeRunState, type ProjectState } from './mediawikiHelpers.js';

gateFile(requiresEngine(), requiresProgram('mmdebstrap', 'apt-get install mmdebstrap'), requiresProgram('curl', 'apt-get install curl'));

const EXAMPLE = fileURLToPath(new URL('../../../examples/mediawiki/', import.meta.url));
const BASE = 'berth-examples/debian-mediawiki:bookworm';
const COMPOSE = ['compose', '-f', path.join(EXAMPLE, 'compose.yaml')];
const WIKI = 'mediawiki-mediawiki-1';
const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(1);

/** `curl` in the test's namespace: status and body (as bytes). */
async function get(netns: NetworkNamespace, url: string): Promise<{ status: number; body: Buffer }> {
  const { stdout } = await promisify(execFile)(netns.prefix[0], [...netns.prefix.slice(1), 'curl', '-s', '-m', '20', '-w', '\n%{http_code}', url], { encoding: 'buffer', maxBuffer: 64 << 20 });
  const cut = stdout.lastIndexOf(10);
  return { status: Number(stdout.subarray(cut + 1).toString()), body: stdout.subarray(0, cut) };
}

/** A long engine command (an import of the 750 MB base, a build, a compose up): 20 minutes at most. */
async function slow(engine: Engine, args: string[]): Promise<string> {
  const result = await engine.berth(args, { timeoutMs: 20 * 60_000 });
  if (result.code !== 0) throw new Error(`berth ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}

// A cold machine runs mmdebstrap first (minutes, more under load); the file's own bound.
t.setTimeout(60 * 60_000);

t.test('examples/mediawiki', { timeout: 60 * 60_000 }, async (t) => {
  const netns = NetworkNamespace.create(t);
  const engine = await startEngine(t, { netns: netns.prefix, image: false });
  const wiki = 'http://127.0.0.1:8080';
  const waitForWiki = (what: string) => waitFor(async () => (await get(netns, `${wiki}/index.php?title=Main_Page`)).status === 200, { what, timeoutMs: 300_000, intervalMs: 250 });

  let since = Date.now();
  const { stdout: tar } = await promisify(execFile)('bash', [path.join(EXAMPLE, 'base-image.sh'), '--tar-only'], { maxBuffer: 1 << 20 });
  t.comment(`base tarball ready in ${seconds(since)} s: ${tar.trim()}`);
  since = Date.now();
  await slow(engine, ['import', tar.trim(), BASE]);
  t.comment(`imported in ${seconds(since)} s`);
  // Both images with compose build (build: in compose.yaml), then again: all from the cache.
  const imageIds = () => engine.ok(['image', 'inspect', '-f', '{{.Id}}', 'berth-examples/mariadb', 'berth-examples/mediawiki']);
  since = Date.now();
  await slow(engine, [...COMPOSE, 'build']);
  t.comment(`compose build, cold: ${seconds(since)} s`);
  const built = await imageIds();
  since = Date.now();
  await slow(engine, [...COMPOSE, 'build']);
  t.comment(`compose build, cached: ${seconds(since)} s`);
  t.equal(await imageIds(), built, 'a second build makes the same images, from the cache');
  t.comment(`images:\n${await engine.ok(['images', '--format', '{{.Repository}} {{.Size}}'])}`);

  since = Date.now();
  await slow(engine, [...COMPOSE, 'up', '-d']);
  await waitForWiki('the first 200');
  t.comment(`compose up to the first 200: ${seconds(since)} s`);

  // 1. The main page through the published port.
  const main = await get(netns, `${wiki}/index.php?title=Main_Page`);
  t.equal(main.status, 200, '1. the main page answers on 127.0.0.1:8080');
  t.match(main.body.toString(), /MediaWiki has been installed/, 'and it is the fresh wiki');

  // 2. A page edited with maintenance/edit.php, served back; 3. an image uploaded with
  // importImages.php, served back. Both run as www-data, Apache's user, as the wiki does.
  const text = `Written by the berth end-to-end test at ${new Date().toISOString()}.`;
  await engine.ok(['exec', '-u', 'www-data', WIKI, 'sh', '-c', `echo '${text}' | php /usr/share/mediawiki/maintenance/edit.php --user user --summary e2e Berth_e2e`]);
  const octal = [...PNG].map((byte) => `\\${byte.toString(8).padStart(3, '0')}`).join('');
  await engine.ok(['exec', '-u', 'www-data', WIKI, 'sh', '-c', `mkdir -p /tmp/upload && printf '${octal}' > /tmp/upload/Berth-e2e.png && php /usr/share/mediawiki/maintenance/importImages.php --user=user /tmp/upload`]);
  const checkData = async (when: string) => {
    const page = await get(netns, `${wiki}/index.php?title=Berth_e2e&action=raw`);
    t.equal(page.body.toString().trim(), text, `2. the edited page is served back ${when}`);
    const info = JSON.parse((await get(netns, `${wiki}/api.php?action=query&titles=File:Berth-e2e.png&prop=imageinfo&iiprop=url&format=json`)).body.toString());
    const url: string | undefined = (Object.values(info.query.pages)[0] as { imageinfo?: Array<{ url: string }> }).imageinfo?.[0].url;
    t.ok(url, `3. the wiki knows the uploaded image ${when}`);
    const image = await get(netns, new URL(url ?? '/missing', wiki).href);
    t.equal(image.status, 200, `3. the image is served ${when}`);
    t.ok(image.body.equals(PNG), `3. byte for byte ${when}`);
  };
  await checkData('after the edit and upload');

  // 4. compose down (volumes kept), compose up: the data is still there.
  await engine.ok([...COMPOSE, 'down']);
  t.equal((await get(netns, `${wiki}/`).catch(() => ({ status: 0 }))).status, 0, 'down: nothing answers on 8080');
  since = Date.now();
  await slow(engine, [...COMPOSE, 'up', '-d']);
  await waitForWiki('the wiki after down and up');
  t.comment(`compose up (installed) to the first 200: ${seconds(since)} s`);
  await checkData('after down and up');

  // 5. A daemon SIGKILL; then a "reboot": every process of the engine gone, its run state wiped,
  // the namespace's links and rules gone; the engine brought back; restart: unless-stopped.
  await engine.killDaemon('SIGKILL');
  await engine.startDaemon();
  await waitForWiki('the wiki after a daemon SIGKILL');
  await checkData('after a daemon SIGKILL');
  await wipeRunState(engine, netns);
  since = Date.now();
  await engine.startDaemon();
  await waitForWiki('the wiki after a reboot');
  t.comment(`daemon start after a reboot to the first 200: ${seconds(since)} s`);
  await checkData('after a reboot');
  await idleMemory(t, engine);

  // 6. compose down -v: nothing left.
  const before: ProjectState = await projectState(engine, netns);
  await engine.ok([...COMPOSE, 'down', '-v']);
  const after = await projectState(engine, netns);
  t.same(after.containers, [], '6. no container');
  t.same(after.volumes, [], '6. no volume');
  t.same(after.networks.filter((n) => n.startsWith('mediawiki')), [], '6. no project network');
  t.same(after.mounts, [], '6. no mount under the engine\'s dirs');
  t.same(after.veths, [], '6. no veth');
  t.notMatch(after.rules, /dport 8080|10\.\d+\.\d+\.\d+\/\d+ oifname != "br-/, '6. no rule of the project');
  t.same((await Promise.all(before.containerIds.map(cgroupDirsOf))).flat(), [], '6. no cgroup');
  t.same(before.pids.filter(isAlive), [], '6. no process');
});

/** The stack's memory while idle: the containers' cgroups (memory.usage_in_bytes), summed. */
async function idleMemory(t: Test, engine: Engine): Promise<void> {
  let total = 0;
  for (const name of ['mediawiki-mariadb-1', WIKI]) {
    const id = (await engine.inspect(name)).Id as string;
    const bytes = Number(await fs.readFile(`/sys/fs/cgroup/memory/berth/${id}/memory.usage_in_bytes`, 'utf8').catch(() => '0'));
    t.comment(`idle memory of ${name}: ${(bytes / 2 ** 20).toFixed(1)} MiB`);
    total += bytes;
  }
  t.comment(`idle memory of the stack: ${(total / 2 ** 20).toFixed(1)} MiB`);
}
