/**
 * `berth build` through the real parts: the CLI's context tar, the daemon's planner and
 * executor, RUN steps as real containers (the engine has no bridge: RUN runs with --network
 * none), COPY and ADD layers, the cache, multi-stage builds, and `berth run` of the result.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import t, { type Test } from 'tap';
import { fileURLToPath } from 'node:url';
import { dockerOk, dockerSocket } from '../helpers/docker.js';
import { startEngine } from '../helpers/engine.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';
import { waitFor } from '../helpers/waitFor.js';

const CLI = fileURLToPath(new URL('../../cli/main.js', import.meta.url));

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

  // The RUN and COPY steps' images are intermediate: untagged parents, shown only by images -a (as Docker's).
  const untagged = (listing: string) => listing.split('\n').filter((line) => line.startsWith('<none>'));
  t.same(untagged(await engine.ok(['images'])), [], 'images hides them');
  const steps = untagged(await engine.ok(['images', '-a']));
  t.equal(steps.length, 3, 'images -a shows the RUN and both COPY steps');
  t.same(untagged(await engine.ok(['images', '-f', 'dangling=true'])), [], 'and they are not dangling');
  const parent = inspected.Parent.slice('sha256:'.length, 'sha256:'.length + 12);
  t.ok(steps.some((line) => line.includes(parent)), 'the last step is the image\'s Parent');
  const dockerIds = async (...args: string[]) => (await dockerOk(engine, ['images', '-q', ...args])).trim().split('\n').length;
  t.equal(await dockerIds('-a'), await dockerIds() + 3, 'GET /images/json follows all');
});

t.test('multi-stage with COPY --from, ENV and ARG substitution, WORKDIR and USER, --target, --build-arg, --label, -f, -q', async (t) => {
  const dir = await context('multi', {
    'docker/build.Dockerfile': [
      'ARG BASE=busybox',
      'FROM ${BASE} AS builder',
      'ARG GREETING=hello',
      'ENV OUT=/out WHO=${GREETING:-nobody}',
      'WORKDIR $OUT',
      'RUN echo "$WHO from $(pwd)" > made.txt && chown 1000:1000 made.txt',
      'FROM builder AS unused',
      'RUN exit 9',
      'FROM ${BASE}',
      'COPY --from=builder /out/made.txt /final/',
      'COPY --chown=1000:1000 data.txt /home/app/',
      'USER 1000',
      'WORKDIR /home/app',
      'RUN id -u > uid.txt 2>&1 || true',
      'CMD cat /final/made.txt /home/app/data.txt',
    ].join('\n'),
    'data.txt': 'data\n',
  });
  const result = await engine.berth(['build', '-q', '-f', path.join(dir, 'docker/build.Dockerfile'), '--build-arg', 'GREETING=howdy', '--label', 'team=core', '-t', 'multi', dir]);
  t.equal(result.code, 0, result.stderr);
  t.match(result.stdout, /^sha256:[a-f0-9]{64}\n$/, '-q prints only the id');
  t.equal(result.stderr, '', '-q prints no progress');
  t.equal(await engine.ok(['run', '--rm', 'multi']), 'howdy from /out\ndata\n', 'the unused stage (exit 9) was not built');
  t.equal(await engine.ok(['run', '--rm', 'multi', 'sh', '-c', 'stat -c "%u:%g %n" /final/made.txt /home/app/data.txt; id -u; cat uid.txt']),
    '1000:1000 /final/made.txt\n1000:1000 /home/app/data.txt\n1000\n1000\n', 'owners from the stage and --chown; USER for RUN and the image');
  const inspected = await engine.inspect('multi');
  t.same(inspected.Config.Labels, { team: 'core' });
  t.equal(inspected.Config.User, '1000');
  t.equal(inspected.Id, result.stdout.trim());

  const target = await engine.berth(['build', '-q', '-f', path.join(dir, 'docker/build.Dockerfile'), '--target', 'builder', '-t', 'multi:builder', dir]);
  t.equal(target.code, 0, target.stderr);
  t.equal(await engine.ok(['run', '--rm', 'multi:builder', 'sh', '-c', 'pwd; cat made.txt; echo $WHO']), '/out\nhello from /out\nhello\n', '--target stops at that stage; the ARG default applies');
});

t.test('the cache: a rebuild is CACHED at every step; a changed file reruns from its step; --no-cache reruns all', async (t) => {
  const dir = await context('cache', {
    Dockerfile: ['FROM busybox', 'RUN echo one > /one', 'COPY file.txt /file.txt', 'RUN cat /file.txt > /copy', 'ENV DONE=yes'].join('\n'),
    'file.txt': 'v1\n',
  });
  const first = await engine.berth(['build', '--progress', 'plain', '-t', 'cached', dir]);
  t.equal(first.code, 0, first.stderr);
  t.notMatch(first.stderr, /CACHED/);
  const again = await engine.berth(['build', '-t', 'cached', dir]);
  t.equal(again.code, 0, again.stderr);
  t.equal(again.stderr.match(/CACHED/g)?.length, 3, 'every layer step from the cache');
  t.equal((await engine.inspect('cached')).Id, (await engine.inspect('cached')).Id);
  const firstId = /writing image (sha256:[a-f0-9]{64})/.exec(first.stderr)![1];
  t.equal(/writing image (sha256:[a-f0-9]{64})/.exec(again.stderr)![1], firstId, 'the same image');

  // The mtime alone does not count; the content does.
  const future = new Date(Date.now() + 3600_000);
  await fs.utimes(path.join(dir, 'file.txt'), future, future);
  t.equal((await engine.berth(['build', dir])).stderr.match(/CACHED/g)?.length, 3, 'a touched file is still cached');
  await fs.writeFile(path.join(dir, 'file.txt'), 'v2\n');
  const changed = await engine.berth(['build', '-t', 'cached', dir]);
  t.equal(changed.code, 0, changed.stderr);
  t.equal(changed.stderr.match(/CACHED/g)?.length, 1, 'only the RUN before the COPY is cached');
  t.equal(await engine.ok(['run', '--rm', 'cached', 'cat', '/copy']), 'v2\n');

  const none = await engine.berth(['build', '--no-cache', dir]);
  t.equal(none.code, 0, none.stderr);
  t.notMatch(none.stderr, /CACHED/);
});

t.test('a failing RUN: its exit code and line, exit 1, no image tagged, no container left', async (t) => {
  const dir = await context('failing', { Dockerfile: ['FROM busybox', 'RUN echo before', 'RUN echo oops >&2; exit 3'].join('\n') });
  const result = await engine.berth(['build', '-t', 'failing', dir]);
  t.equal(result.code, 1);
  t.match(result.stderr, /#\d+ [0-9.]+ oops/, 'the failing step\'s output is shown');
  t.match(result.stderr, /ERROR: failed to solve: Dockerfile:3: RUN: process "\/bin\/sh -c echo oops >&2; exit 3" did not complete successfully: exit code: 3\n$/);
  t.equal((await engine.berth(['inspect', 'failing'])).code, 1, 'no image tagged');
  t.equal((await engine.ok(['ps', '-aq'])).trim(), '', 'no container left');

  const bad = await context('bad', { Dockerfile: 'FROM busybox\nFOO bar\n' });
  const parse = await engine.berth(['build', bad]);
  t.equal(parse.code, 1);
  t.equal(parse.stderr, 'ERROR: failed to solve: dockerfile parse error on line 2: unknown instruction: FOO\n');
  const missing = await engine.berth(['build', path.join(engine.dir, 'nowhere')]);
  t.equal(missing.code, 1);
  t.match(missing.stderr, /^ERROR: unable to prepare context: path ".*nowhere" not found\n$/);
  const noSource = await context('nosource', { Dockerfile: 'FROM busybox\nCOPY absent /x\n' });
  const absent = await engine.berth(['build', noSource]);
  t.equal(absent.code, 1);
  t.match(absent.stderr, /"\/absent": not found/);
});

t.test('ADD unpacks a local tar; the history records each step as Docker does', async (t) => {
  const dir = await context('add', {
    Dockerfile: ['FROM busybox', 'LABEL stage=add', 'ADD files.tar.gz /opt/', 'ADD plain.txt /opt/plain.txt', 'ENTRYPOINT ["cat"]', 'CMD ["/opt/inner/x.txt"]'].join('\n'),
    'plain.txt': 'plain\n',
  });
  await fs.mkdir(path.join(engine.dir, 'tarsrc/inner'), { recursive: true });
  await fs.writeFile(path.join(engine.dir, 'tarsrc/inner/x.txt'), 'from the tar\n');
  execFileSync('tar', ['-czf', path.join(dir, 'files.tar.gz'), '--owner=7', '--group=8', '-C', path.join(engine.dir, 'tarsrc'), 'inner']);
  const result = await engine.berth(['build', '-t', 'added', dir]);
  t.equal(result.code, 0, result.stderr);
  t.equal(await engine.ok(['run', '--rm', 'added']), 'from the tar\n', 'ENTRYPOINT and CMD as exec forms');
  t.equal(await engine.ok(['run', '--rm', '--entrypoint', 'stat', 'added', '-c', '%u:%g', '/opt/inner/x.txt']), '7:8\n', 'owners from the tar');
  t.equal(await engine.ok(['run', '--rm', 'added', '/opt/plain.txt']), 'plain\n');
  const history = await engine.ok(['history', '--no-trunc', '--format', '{{.CreatedBy}}|{{.Size}}', 'added']).catch(() => engine.ok(['history', '--no-trunc', 'added']));
  t.match(history, /CMD \["\/opt\/inner\/x.txt"\]/);
  t.match(history, /ENTRYPOINT \["cat"\]/);
  t.match(history, /ADD files.tar.gz \/opt\//);
  t.match(history, /LABEL stage=add/);
});

/**
 * A RUN whose first line is out and which then waits on a fifo the test fills through the
 * container's /proc/<pid>/root: the line must be seen while the step cannot have ended.
 */
async function liveRun(t: Test, marker: string, start: (dir: string) => ChildProcess, output: (child: ChildProcess) => NodeJS.ReadableStream): Promise<string> {
  const dir = await context(`live-${marker}`, { Dockerfile: ['FROM busybox', `RUN mkfifo /gate && echo ${marker}-first && cat /gate && echo ${marker}-second && rm /gate`].join('\n') });
  const child = start(dir);
  let text = '';
  output(child).on('data', (data: Buffer) => { text += data.toString(); });
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
  // A line of output alone (the step's own title names the words too), plain or under its `#N`.
  const line = (word: string) => new RegExp(`^(?:#\\d+ [0-9.]+ )?${marker}-${word}$`, 'm');
  await waitFor(() => line('first').test(text), { what: `${marker}-first in the build's output`, timeoutMs: 60_000 });
  t.notMatch(text, line('second'), 'the second line is not out: the step is still waiting');
  const id = await waitFor(async () => (await engine.ok(['ps', '-q', '--no-trunc', '--filter', 'label=berth.build'])).trim(), { what: 'the RUN container' });
  const pid = (await engine.inspect(id)).State.Pid as number;
  await fs.writeFile(`/proc/${pid}/root/gate`, 'go\n');
  t.equal(await exited, 0, text);
  return text;
}

t.test('RUN output is streamed as it is written, to the CLI and to docker build', async (t) => {
  const cli = await liveRun(t, 'cli', (dir) => spawn(process.execPath, [CLI, 'build', '--progress', 'plain', dir], { env: engine.env, stdio: ['ignore', 'ignore', 'pipe'] }), (child) => child.stderr!);
  t.match(cli, /#(\d+) [0-9.]+ cli-first\n#\1 [0-9.]+ go\n#\1 [0-9.]+ cli-second\n#\1 DONE [0-9.]+s\n/, 'the lines in order under their step, then its summary');

  const config = path.join(engine.dir, 'docker-config');
  await fs.mkdir(config, { recursive: true });
  const env = { PATH: process.env.PATH, HOME: engine.dir, DOCKER_HOST: `unix://${dockerSocket(engine)}`, DOCKER_CONFIG: config };
  const legacy = await liveRun(t, 'docker', (dir) => spawn('docker', ['build', dir], { env, stdio: ['ignore', 'pipe', 'ignore'] }), (child) => child.stdout!);
  t.match(legacy, /Step 2\/2 : RUN mkfifo[^\n]*\ndocker-first\ngo\ndocker-second\n ---> Done in [0-9.]+s\n/, 'docker build shows them live in the legacy stream');
});
