/**
 * For test/examples/mediawiki.test.ts: the checks of issue 18 that every Compose tool must pass,
 * and the two tools that drive the same project: `berth compose`, and Debian's docker-compose
 * 1.29 (Compose v1, Python) through berth's Engine API socket. The checks: the project up to
 * the wiki's first 200, the main page through the published port, a page edited and an image
 * uploaded (both served back), both still there after down and up, and `down -v` leaving nothing.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Test } from 'tap';
import { dockerSocket } from '../helpers/docker.js';
import { cgroupDirsOf, runCaptured, type Engine } from '../helpers/engine.js';
import type { NetworkNamespace } from '../helpers/netns.js';
import { waitFor } from '../helpers/waitFor.js';
import { isAlive } from '../../runtime/processes.js';
import { PNG, projectState } from './mediawikiHelpers.js';

export const EXAMPLE = fileURLToPath(new URL('../../../examples/mediawiki/', import.meta.url));
const FILE = path.join(EXAMPLE, 'compose.yaml');
const WIKI = 'http://127.0.0.1:8080';
export const seconds = (since: number): string => ((Date.now() - since) / 1000).toFixed(1);

/** A Compose tool driving examples/mediawiki against one engine. */
export interface ComposeTool {
  /** Its name, for messages. */
  what: string;
  /** The project's container names, as the tool makes them. */
  containers: { mariadb: string; mediawiki: string };
  /** The tool's command ARGS (build, up -d, down...) on the example's compose.yaml; throws when it fails. */
  compose(args: string[]): Promise<string>;
  /** `sh -c SCRIPT` as www-data (Apache's user, as the wiki runs) in the wiki's container, through the tool. */
  execInWiki(script: string): Promise<void>;
}

/** A long command (a build, a first compose up): 20 minutes at most. */
const LONG = 20 * 60_000;

export function berthCompose(engine: Engine): ComposeTool {
  return {
    what: 'berth compose',
    containers: { mariadb: 'mediawiki-mariadb-1', mediawiki: 'mediawiki-mediawiki-1' },
    async compose(args) {
      const result = await engine.berth(['compose', '-f', FILE, ...args], { timeoutMs: LONG });
      if (result.code !== 0) throw new Error(`berth compose ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
      return result.stdout;
    },
    async execInWiki(script) {
      await engine.ok(['exec', '-u', 'www-data', 'mediawiki-mediawiki-1', 'sh', '-c', script]);
    },
  };
}

/** Debian's docker-compose 1.29 in the engine's namespace, DOCKER_HOST at the engine's socket. */
export function dockerCompose129(engine: Engine, netns: NetworkNamespace): ComposeTool {
  const env = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: engine.dir, DOCKER_HOST: `unix://${dockerSocket(engine)}`, LANG: 'C.UTF-8' };
  const run = async (args: string[]) => {
    const result = await runCaptured(netns.prefix[0]!, [...netns.prefix.slice(1), 'docker-compose', '--ansi', 'never', '-f', FILE, ...args], { env, timeoutMs: LONG, what: `docker-compose ${args.join(' ')}` });
    if (result.code !== 0) throw new Error(`docker-compose ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
    return result.stdout;
  };
  return {
    what: 'docker-compose 1.29',
    containers: { mariadb: 'mediawiki_mariadb_1', mediawiki: 'mediawiki_mediawiki_1' },
    compose: run,
    async execInWiki(script) {
      await run(['exec', '-T', '-u', 'www-data', 'mediawiki', 'sh', '-c', script]);
    },
  };
}

/** `curl` in the test's namespace: status and body (as bytes). */
export async function get(netns: NetworkNamespace, url: string): Promise<{ status: number; body: Buffer }> {
  const { stdout } = await promisify(execFile)(netns.prefix[0]!, [...netns.prefix.slice(1), 'curl', '-s', '-m', '20', '-w', '\n%{http_code}', url], { encoding: 'buffer', maxBuffer: 64 << 20 });
  const cut = stdout.lastIndexOf(10);
  return { status: Number(stdout.subarray(cut + 1).toString()), body: stdout.subarray(0, cut) };
}

export function waitForWiki(netns: NetworkNamespace, what: string): Promise<boolean> {
  return waitFor(async () => (await get(netns, `${WIKI}/index.php?title=Main_Page`)).status === 200, { what, timeoutMs: 300_000, intervalMs: 250 });
}

/**
 * Checks 1 to 4 through TOOL: up, the main page, an edit and an upload served back, then down
 * and up with the data still there. Resolves with the check of the data, for later checks.
 */
export async function upEditUploadDownUp(t: Test, netns: NetworkNamespace, tool: ComposeTool): Promise<(when: string) => Promise<void>> {
  const by = `(${tool.what})`;
  let since = Date.now();
  await tool.compose(['up', '-d']);
  await waitForWiki(netns, `the first 200 ${by}`);
  t.comment(`${tool.what}: up -d to the first 200: ${seconds(since)} s`);

  const main = await get(netns, `${WIKI}/index.php?title=Main_Page`);
  t.equal(main.status, 200, `1. the main page answers on 127.0.0.1:8080 ${by}`);
  t.match(main.body.toString(), /MediaWiki has been installed/, `and it is the fresh wiki ${by}`);

  // 2. A page edited with maintenance/edit.php; 3. an image uploaded with importImages.php.
  const text = `Written by the berth end-to-end test through ${tool.what} at ${new Date().toISOString()}.`;
  await tool.execInWiki(`echo '${text}' | php /usr/share/mediawiki/maintenance/edit.php --user user --summary e2e Berth_e2e`);
  const octal = [...PNG].map((byte) => `\\${byte.toString(8).padStart(3, '0')}`).join('');
  await tool.execInWiki(`mkdir -p /tmp/upload && printf '${octal}' > /tmp/upload/Berth-e2e.png && php /usr/share/mediawiki/maintenance/importImages.php --user=user /tmp/upload`);
  const checkData = async (when: string) => {
    const page = await get(netns, `${WIKI}/index.php?title=Berth_e2e&action=raw`);
    t.equal(page.body.toString().trim(), text, `2. the edited page is served back ${when} ${by}`);
    const info = JSON.parse((await get(netns, `${WIKI}/api.php?action=query&titles=File:Berth-e2e.png&prop=imageinfo&iiprop=url&format=json`)).body.toString());
    const url: string | undefined = (Object.values(info.query.pages)[0] as { imageinfo?: Array<{ url: string }> }).imageinfo?.[0].url;
    t.ok(url, `3. the wiki knows the uploaded image ${when} ${by}`);
    const image = await get(netns, new URL(url ?? '/missing', WIKI).href);
    t.equal(image.status, 200, `3. the image is served ${when} ${by}`);
    t.ok(image.body.equals(PNG), `3. byte for byte ${when} ${by}`);
  };
  await checkData('after the edit and upload');

  // 4. down (volumes kept), up: the data is still there.
  await tool.compose(['down']);
  t.equal((await get(netns, `${WIKI}/`).catch(() => ({ status: 0 }))).status, 0, `down: nothing answers on 8080 ${by}`);
  since = Date.now();
  await tool.compose(['up', '-d']);
  await waitForWiki(netns, `the wiki after down and up ${by}`);
  t.comment(`${tool.what}: up -d (installed) to the first 200: ${seconds(since)} s`);
  await checkData('after down and up');
  return checkData;
}

/** 6. `down -v` through TOOL: no container, volume, network, mount, veth, rule, cgroup or process left. */
export async function downLeavesNothing(t: Test, engine: Engine, netns: NetworkNamespace, tool: ComposeTool): Promise<void> {
  const by = `(${tool.what})`;
  const before = await projectState(engine, netns);
  await tool.compose(['down', '-v']);
  const after = await projectState(engine, netns);
  t.same(after.containers, [], `6. no container ${by}`);
  t.same(after.volumes, [], `6. no volume ${by}`);
  t.same(after.networks.filter((n) => n.startsWith('mediawiki')), [], `6. no project network ${by}`);
  t.same(after.mounts, [], `6. no mount under the engine's dirs ${by}`);
  t.same(after.veths, [], `6. no veth ${by}`);
  // The project network is a br-* link (the default network is berth0): no rule names one.
  t.notMatch(after.rules, /dport 8080|"br-/, `6. no rule of the project ${by}`);
  t.same((await Promise.all(before.containerIds.map(cgroupDirsOf))).flat(), [], `6. no cgroup ${by}`);
  t.same(before.pids.filter(isAlive), [], `6. no process ${by}`);
}
