/**
 * `berth build` through the real parts: the CLI's context tar, the daemon's planner and
 * executor, RUN steps as real containers (the engine has no bridge: RUN runs with --network
 * none), COPY and ADD layers, the cache, multi-stage builds, and `berth run` of the result.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { startEngine } from '../helpers/engine.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';

gateFile(requiresEngine());

const engine = await startEngine(t);

/** The entries of a layer's tar in the blob store. */
const layerEntries = (diffId: string) =>
  execFileSync('tar', ['-tf', path.join(engine.root, 'images/blobs/sha256', diffId.slice(7))]).toString().split('\n').filter(Boolean).sort();

/** A context dir with these files (paths to contents). */
async function context(name: string, files: Record<string, string>): Promise<string> {
  const dir = path.join(engine.dir, name);
  for (const [rel, content] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await fs.writeFile(path.join(dir, rel), content);
  }
  return dir;
}

t.test('RUN writes a file, COPY of files and a dir with .dockerignore, and the image runs', async (t) => {
  const dir = await context('basic', {
    Dockerfile: [
      'FROM busybox',
      'RUN echo built > /built && echo to-stdout',
      'COPY hello.txt /app/',
      'COPY src /app/src',
      'WORKDIR /app',
      'CMD ["cat", "/built", "hello.txt"]',
    ].join('\n'),
    'hello.txt': 'hello\n',
    'src/a.txt': 'a\n',
    'src/secret.key': 'no\n',
    'src/keep/b.txt': 'b\n',
    '.dockerignore': 'src/*.key\n',
  });
  const result = await engine.berth(['build', '-t', 'basic:1', '-t', 'basic:also', dir]);
  t.equal(result.code, 0, result.stderr);
  t.match(result.stderr, /#\d+ \[2\/4\] RUN echo built/);
  t.match(result.stderr, /#\d+ [0-9.]+ to-stdout/, 'the RUN output is shown');
  t.match(result.stderr, /naming to docker.io\/library\/basic:1/);
  t.equal(await engine.ok(['run', '--rm', 'basic:1']), 'built\nhello\n');
  t.equal(await engine.ok(['run', '--rm', 'basic:also', 'find', '/app/src', '-type', 'f']), '/app/src/a.txt\n/app/src/keep/b.txt\n', '.dockerignore kept the key out');
  const inspected = await engine.inspect('basic:1');
  t.equal(inspected.Config.WorkingDir, '/app');
  t.same(inspected.Config.Cmd, ['cat', '/built', 'hello.txt']);
  const history = inspected.RootFS.Layers.length;
  t.equal(history, 4, 'busybox, RUN, and two COPY layers');
  t.equal((await engine.ok(['ps', '-aq'])).trim(), '', 'no RUN container is left');
  t.same(layerEntries(inspected.RootFS.Layers[1]), ['built'], 'the RUN layer holds what the command wrote, nothing of the container\'s set-up');
  t.same(layerEntries(inspected.RootFS.Layers[2]), ['app/', 'app/hello.txt']);
  t.same(layerEntries(inspected.RootFS.Layers[3]), ['app/', 'app/src/', 'app/src/a.txt', 'app/src/keep/', 'app/src/keep/b.txt']);
});
