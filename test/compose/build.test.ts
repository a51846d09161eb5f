/**
 * `berth compose` building images with berth's builder (the engine has no bridge: the services
 * use `network_mode: none`, and RUN steps run without a network): a service with only `build:`
 * gets `<project>-<service>`, one with `image:` too gets that name; `up` builds what is missing
 * and only that, `up --build` rebuilds and recreates the container whose image changed, `compose
 * build` builds always, and a failing build is Compose's exit code 17 naming the service.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { gateFile, requiresEngine } from '../helpers/gates.js';
import { composeProject } from '../helpers/compose.js';
import { startEngine } from '../helpers/engine.js';

gateFile(requiresEngine());

t.test('build: up builds missing images, --build rebuilds and recreates, compose build, a failure', async (t) => {
  const engine = await startEngine(t);
  const { dir, compose } = await composeProject(t, engine, 'bld', `
services:
  app:
    build:
      context: .
      args:
        GREETING: hi
      labels: [made.by=compose]
    network_mode: none
    command: sh -c 'cat /greeting /message; exec sleep 3600'
    stop_grace_period: 1s
  tool:
    image: mytool:1
    build:
      context: ./tool
      dockerfile: Tool.Dockerfile
      target: final
    network_mode: none
    command: sleep 3600
    stop_grace_period: 1s
  bad:
    profiles: [broken]
    build: ./bad
    network_mode: none
`, {
    Dockerfile: 'FROM busybox\nARG GREETING=unset\nRUN echo "$GREETING" > /greeting\nCOPY message /message\n',
    message: 'first\n',
    'tool/Tool.Dockerfile': 'FROM busybox AS first\nRUN echo from-first > /stage\nFROM busybox AS final\nCOPY --from=first /stage /stage\nRUN echo final >> /stage\nFROM busybox AS unused\nRUN exit 9\n',
    'bad/Dockerfile': 'FROM busybox\nRUN echo failing && exit 3\n',
  });

  const up = await compose('up', '-d');
  t.equal(up.code, 0, up.stderr);
  t.match(up.stderr, / Image bld-app {2}Building/);
  t.match(up.stderr, / Image bld-app {2}Built/);
  t.match(up.stderr, / Image mytool:1 {2}Built/);
  t.match(up.stderr, /RUN echo "\$GREETING" > \/greeting/, "the builder's progress is shown");
  t.match(up.stderr, / Container bld-app-1 {2}Started/);
  t.equal((await compose('exec', '-T', 'app', 'cat', '/greeting', '/message')).stdout, 'hi\nfirst\n', 'the build arg and the context');
  t.equal((await compose('exec', '-T', 'tool', 'cat', '/stage')).stdout, 'from-first\nfinal\n', 'the target stage, from its own Dockerfile');
  const image = await engine.inspect('bld-app');
  t.match(image.Config.Labels, { 'made.by': 'compose', 'com.docker.compose.project': 'bld', 'com.docker.compose.service': 'app' });
  t.equal((await engine.inspect('bld-app-1')).Image, image.Id, 'the container runs the image built');
  t.equal((await engine.inspect('bld-tool-1')).Config.Image, 'mytool:1');

  const again = await compose('up', '-d');
  t.equal(again.code, 0, again.stderr);
  t.notMatch(again.stderr, /Building/, 'images present: nothing built');
  t.match(again.stderr, / Container bld-app-1 {2}Running/);

  await fs.writeFile(path.join(dir, 'message'), 'second\n');
  const rebuilt = await compose('up', '-d', '--build');
  t.equal(rebuilt.code, 0, rebuilt.stderr);
  t.match(rebuilt.stderr, / Image bld-app {2}Built/);
  t.match(rebuilt.stderr, / Container bld-app-1 {2}Recreated/, 'a new image: the container is recreated');
  t.match(rebuilt.stderr, / Container bld-tool-1 {2}Running/, 'the same image (all cached): kept');
  t.equal((await compose('exec', '-T', 'app', 'cat', '/message')).stdout, 'second\n');

  const built = await compose('build', 'tool');
  t.equal(built.code, 0, built.stderr);
  t.match(built.stderr, / Image mytool:1 {2}Built/);
  t.match(built.stderr, /CACHED/, 'compose build builds always, from the cache');
  t.notMatch(built.stderr, /bld-app/, 'only the service named');

  const failed = await compose('--profile', 'broken', 'build', 'bad');
  t.equal(failed.code, 17, 'Compose\'s exit code for a failed build');
  t.match(failed.stderr, /failed to solve: service bad: /);
  const noImage = await compose('--profile', 'broken', 'up', '-d', 'bad');
  t.equal(noImage.code, 17, 'up stops at the failed build');
  t.equal((await engine.berth(['inspect', 'bld-bad-1'])).code, 1, 'no container made');

  // down --rmi local: the image built under Compose's default name goes, mytool:1 (named by image:) stays.
  const down = await compose('down', '--rmi', 'local');
  t.equal(down.code, 0, down.stderr);
  t.match(down.stderr, / Image bld-app {2}Removed/);
  t.equal((await engine.ok(['ps', '-aq'])).trim(), '', 'no container left');
  t.equal((await engine.berth(['inspect', 'bld-app'])).code, 1, 'bld-app removed');
  await engine.ok(['inspect', 'mytool:1']);
  // down --rmi all: every service image; one another container uses stays, as Compose leaves it.
  await engine.ok(['create', '--name', 'holder', '--network', 'none', 'mytool:1', 'true']);
  const held = await compose('down', '--rmi', 'all');
  t.equal(held.code, 0, held.stderr);
  t.match(held.stderr, / Image mytool:1 {2}Resource is still in use/);
  await engine.ok(['rm', 'holder']);
  const all = await compose('down', '--rmi', 'all');
  t.equal(all.code, 0, all.stderr);
  t.match(all.stderr, / Image mytool:1 {2}Removed/);
  t.equal((await engine.berth(['inspect', 'mytool:1'])).code, 1, 'mytool:1 removed');
  const bad = await compose('down', '--rmi', 'some');
  t.equal(bad.code, 1);
  t.match(bad.stderr, /invalid value for --rmi: "some"/);
});
