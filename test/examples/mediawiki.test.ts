/**
 * examples/mediawiki end to end (issue 18), as `npm run e2e:mediawiki` and as part of `npm test`:
 * the Debian base image from the cache (or mmdebstrap on a cold machine), both images built with
 * `berth compose build`, the compose project up inside a network namespace of the test, then the
 * six checks: the main page through the published port; a page edited and served back; an image
 * uploaded and served back; both still there after down and up; after a daemon SIGKILL and after
 * a "reboot" (every process of the engine gone, its run root wiped, its links and rules gone);
 * and `down -v` leaving nothing behind. Then the same project through the Engine API socket with
 * Debian's docker-compose 1.29, on the same engine and images: build, and checks 1, 2, 3, 4 and 6.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import t, { type Test } from 'tap';
import { startEngine, type Engine } from '../helpers/engine.js';
import { gateFile, requiresEngine, requiresProgram } from '../helpers/gates.js';
import { NetworkNamespace } from '../helpers/netns.js';
import { wipeRunState } from './mediawikiHelpers.js';
import { EXAMPLE, berthCompose, dockerCompose129, downLeavesNothing, seconds, upEditUploadDownUp, waitForWiki, type ComposeTool } from './mediawikiChecks.js';

gateFile(requiresEngine(), requiresProgram('mmdebstrap', 'apt-get install mmdebstrap'), requiresProgram('curl', 'apt-get install curl'),
  requiresProgram('docker-compose', 'apt-get install docker-compose'));

const BASE = 'berth-examples/debian-mediawiki:bookworm';

// A cold machine runs mmdebstrap first (minutes, more under load); the file's own bound.
t.setTimeout(60 * 60_000);

t.test('examples/mediawiki', { timeout: 60 * 60_000 }, async (t) => {
  const netns = NetworkNamespace.create(t);
  const engine = await startEngine(t, { netns: netns.prefix, image: false });
  const berth = berthCompose(engine);

  let since = Date.now();
  const { stdout: tar } = await promisify(execFile)('bash', [path.join(EXAMPLE, 'base-image.sh'), '--tar-only'], { maxBuffer: 1 << 20 });
  t.comment(`base tarball ready in ${seconds(since)} s: ${tar.trim()}`);
  since = Date.now();
  const imported = await engine.berth(['import', tar.trim(), BASE], { timeoutMs: 20 * 60_000 });
  if (imported.code !== 0) throw new Error(`berth import exited ${imported.code}: ${imported.stderr}`);
  t.comment(`imported in ${seconds(since)} s`);
  // Both images with compose build (build: in compose.yaml), then again: all from the cache.
  const imageIds = () => engine.ok(['image', 'inspect', '-f', '{{.Id}}', 'berth-examples/mariadb', 'berth-examples/mediawiki']);
  since = Date.now();
  await berth.compose(['build']);
  t.comment(`compose build, cold: ${seconds(since)} s`);
  const built = await imageIds();
  since = Date.now();
  await berth.compose(['build']);
  t.comment(`compose build, cached: ${seconds(since)} s`);
  t.equal(await imageIds(), built, 'a second build makes the same images, from the cache');
  t.comment(`images:\n${await engine.ok(['images', '--format', '{{.Repository}} {{.Size}}'])}`);

  // 1 to 4: up, the main page, an edit and an upload, down and up.
  const checkData = await upEditUploadDownUp(t, netns, berth);

  // 5. A daemon SIGKILL; then a "reboot": every process of the engine gone, its run state wiped,
  // the namespace's links and rules gone; the engine brought back; restart: unless-stopped.
  await engine.killDaemon('SIGKILL');
  await engine.startDaemon();
  await waitForWiki(netns, 'the wiki after a daemon SIGKILL');
  await checkData('after a daemon SIGKILL');
  await wipeRunState(engine, netns);
  since = Date.now();
  await engine.startDaemon();
  await waitForWiki(netns, 'the wiki after a reboot');
  t.comment(`daemon start after a reboot to the first 200: ${seconds(since)} s`);
  await checkData('after a reboot');
  await idleMemory(t, engine, berth);

  // 6. compose down -v: nothing left.
  await downLeavesNothing(t, engine, netns, berth);

  // The same project through the API socket with docker-compose 1.29, on the same engine and
  // images: its build (the docker CLI's legacy POST /build) finds every layer step in the cache.
  const v1 = dockerCompose129(engine, netns);
  since = Date.now();
  await v1.compose(['build']);
  t.comment(`docker-compose build (cached layers): ${seconds(since)} s`);
  await upEditUploadDownUp(t, netns, v1);
  t.same((await engine.ok(['ps', '--format', '{{.Names}}'])).trim().split('\n').sort(), [v1.containers.mariadb, v1.containers.mediawiki], 'berth ps sees the containers docker-compose made');
  await idleMemory(t, engine, v1);
  await downLeavesNothing(t, engine, netns, v1);
});

/** The stack's memory while idle: the containers' cgroups (memory.usage_in_bytes), summed. */
async function idleMemory(t: Test, engine: Engine, tool: ComposeTool): Promise<void> {
  let total = 0;
  for (const name of [tool.containers.mariadb, tool.containers.mediawiki]) {
    const id = (await engine.inspect(name)).Id as string;
    const bytes = Number(await fs.readFile(`/sys/fs/cgroup/memory/berth/${id}/memory.usage_in_bytes`, 'utf8').catch(() => '0'));
    t.comment(`idle memory of ${name}: ${(bytes / 2 ** 20).toFixed(1)} MiB`);
    total += bytes;
  }
  t.comment(`idle memory of the stack (${tool.what}): ${(total / 2 ** 20).toFixed(1)} MiB`);
}
