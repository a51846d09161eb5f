/**
 * `berth build` through the real parts: the CLI's context tar, the daemon's planner and
 * executor, RUN steps as real containers (the engine has no bridge: RUN runs with --network
 * none), COPY and ADD layers, the cache, multi-stage builds, and `berth run` of the result.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import t, { type Test } from 'tap';
import { fileURLToPath } from 'node:url';
import { dockerOk, dockerSocket } from '../helpers/docker.js';
import { startEngine } from '../helpers/engine.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';
import { waitFor } from '../helpers/waitFor.js';
import { makeRepository, startContextServer, startGitDaemon } from '../helpers/remoteContext.js';
import { downloadContext } from '../../runtime/build/download.js';

const CLI = fileURLToPath(new URL('../../cli/main.cjs', import.meta.url));

gateFile(requiresEngine());

const engine = await startEngine(t);

/** The entries of a layer's tar in the blob store. */
const layerEntries = (diffId: string) =>
  execFileSync('tar', ['-tf', path.join(engine.root, 'images/blobs/sha256', diffId.slice(7))]).toString().split('\n').filter(Boolean).sort();

/** A file's content in a layer's tar in the blob store. */
const layerFile = (diffId: string, file: string) =>
  execFileSync('tar', ['-xOf', path.join(engine.root, 'images/blobs/sha256', diffId.slice(7)), file]).toString();

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
  // The COPY is also keyed by its sources in the context tar (found before anything is unpacked
  // or staged): so were the rebuild's hit and the checks below, which must still miss on a change.
  const copyKeys = async () => Object.keys(JSON.parse(await fs.readFile(path.join(engine.root, 'builder/cache.json'), 'utf8'))).filter((key) => key.startsWith('copy:'));
  const fastKeys = await copyKeys();
  t.ok(fastKeys.length >= 1, 'the COPY has a key by its sources');

  // The mtime alone does not count; the content does.
  const future = new Date(Date.now() + 3600_000);
  await fs.utimes(path.join(dir, 'file.txt'), future, future);
  t.equal((await engine.berth(['build', dir])).stderr.match(/CACHED/g)?.length, 3, 'a touched file is still cached');
  await fs.writeFile(path.join(dir, 'file.txt'), 'v2\n');
  const changed = await engine.berth(['build', '-t', 'cached', dir]);
  t.equal(changed.code, 0, changed.stderr);
  t.equal(changed.stderr.match(/CACHED/g)?.length, 1, 'only the RUN before the COPY is cached');
  t.equal(await engine.ok(['run', '--rm', 'cached', 'cat', '/copy']), 'v2\n');
  t.equal((await copyKeys()).length, fastKeys.length + 1, 'the changed sources have a key of their own');
  const fast = await engine.berth(['build', '-t', 'cached', dir]);
  t.equal(fast.stderr.match(/CACHED/g)?.length, 3, 'and the next rebuild finds it');
  t.equal(await engine.ok(['run', '--rm', 'cached', 'cat', '/copy']), 'v2\n');
  await fs.writeFile(path.join(dir, 'file.txt'), 'v1\n');
  const back = await engine.berth(['build', '-t', 'cached', dir]);
  t.equal(back.stderr.match(/CACHED/g)?.length, 3, 'the first content again: its keys still hold');
  t.equal(/writing image (sha256:[a-f0-9]{64})/.exec(back.stderr)![1], firstId, 'the first image');

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

/** A request to the engine's API socket, with no body; the answer's text. */
function apiRequest(method: string, where: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: dockerSocket(engine), method, path: `/v1.41${where}` }, (res) => {
      let text = '';
      res.on('data', (data: Buffer) => { text += data.toString(); });
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.end();
  });
}

/** GET /images/{name}/json: what inspect shows, without a CLI's start. */
const imageJson = async (name: string) => JSON.parse(await apiRequest('GET', `/images/${name}/json`)) as { Id: string; RootFS: { Layers: string[] }; Config: { Labels: Record<string, string> } };

/** POST /build with a query and no body; its NDJSON messages. */
const apiBuild = async (query: string) => (await apiRequest('POST', `/build?${query}`)).split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);

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
  const filters = encodeURIComponent(JSON.stringify({ label: ['berth.build'] }));
  const [container] = JSON.parse(await apiRequest('GET', `/containers/json?filters=${filters}`)) as Array<{ Id: string }>;
  const pid = (JSON.parse(await apiRequest('GET', `/containers/${container!.Id}/json`)) as { State: { Pid: number } }).State.Pid;
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

t.test('remote contexts: git (git daemon, dumb http), a tar and a Dockerfile by URL, the API\'s remote=; bad URLs refused', async (t) => {
  const base = path.join(engine.dir, 'remote');
  await fs.mkdir(base, { recursive: true });
  const app = {
    'app/Dockerfile': 'FROM busybox\nCOPY . /ctx\nCMD ["cat", "/ctx/which"]\n',
    'app/.dockerignore': 'secret\n',
    'app/secret': 'no\n',
    'README': 'not in app\n',
  };
  await makeRepository(base, 'repo', { main: { ...app, 'app/which': 'main\n' }, other: { 'app/which': 'other\n' } });
  const gitPort = await startGitDaemon(t, base);
  await fs.mkdir(path.join(engine.dir, 'tarctx'), { recursive: true });
  await fs.writeFile(path.join(engine.dir, 'tarctx/Dockerfile'), 'FROM busybox\nCOPY data.txt /\n');
  await fs.writeFile(path.join(engine.dir, 'tarctx/data.txt'), 'from the tar\n');
  const tarGz = execFileSync('tar', ['-cz', '-C', path.join(engine.dir, 'tarctx'), '.']);
  const web = await startContextServer(t, {
    '/ctx.tar.gz': { type: 'application/x-gzip', body: tarGz },
    '/ctx': { type: 'application/octet-stream', body: execFileSync('tar', ['-c', '-C', path.join(engine.dir, 'tarctx'), '.']) },
    '/Dockerfile': { type: 'application/octet-stream', body: 'FROM busybox\nLABEL from=url\n' },
    '/page.html': { type: 'text/html', body: '<html></html>' },
    '/huge.tar': { headersOnly: { 'Content-Type': 'application/x-tar', 'Content-Length': String(2 * 1024 ** 3) } },
  }, base);

  // The CLI once (a git daemon's repository); the other sources through the API (no CLI start each).
  const fromGit = await engine.berth(['build', '-t', 'remote-git', `git://127.0.0.1:${gitPort}/repo.git#:app`]);
  t.equal(fromGit.code, 0, fromGit.stderr);
  t.match(fromGit.stderr, /#1 \[internal\] load remote build context git:\/\/127\.0\.0\.1:\d+\/repo\.git#:app\n#1 DONE/);
  const gitLayer = (await imageJson('remote-git')).RootFS.Layers[1]!;
  t.same(layerEntries(gitLayer), ['ctx/', 'ctx/.dockerignore', 'ctx/Dockerfile', 'ctx/which'], 'the app dir: no .git, nothing .dockerignore excludes, nothing outside it');
  t.equal(layerFile(gitLayer, 'ctx/which'), 'main\n', 'the default branch');

  const built = async (query: string) => {
    const messages = await apiBuild(query);
    const id = (messages.find((m) => m.aux)?.aux as { ID: string } | undefined)?.ID;
    if (!id) throw new Error(JSON.stringify(messages));
    return imageJson(id);
  };
  const dumb = await built(`remote=${encodeURIComponent(`${web}/repo.git#other:app`)}`);
  t.equal(layerFile(dumb.RootFS.Layers[1], 'ctx/which'), 'other\n', 'a branch over git\'s dumb HTTP (no shallow fetch), through remote=');
  const tar = await built(`remote=${encodeURIComponent(`${web}/ctx.tar.gz`)}`);
  t.equal(layerFile(tar.RootFS.Layers[1], 'data.txt'), 'from the tar\n', 'a gzip tar by URL');
  t.equal((await built(`remote=${encodeURIComponent(`${web}/ctx`)}`)).Id, tar.Id, 'an octet-stream sniffed as a tar: the same image');
  t.same((await built(`remote=${encodeURIComponent(`${web}/Dockerfile`)}`)).Config.Labels, { from: 'url' }, 'a Dockerfile by URL (octet-stream sniffed as text)');

  const failure = async (url: string) => {
    const messages = await apiBuild(`remote=${encodeURIComponent(url)}`);
    return (messages.find((m) => m.errorDetail)?.error ?? JSON.stringify(messages)) as string;
  };
  t.equal(await failure(`${web}/page.html`), 'unable to download remote context: unsupported Content-Type "text/html"');
  t.match(await failure(`${web}/huge.tar`), /larger than the limit of 1073741824 bytes$/, 'a declared length over the limit is refused before the body');
  t.match(await failure(`${web}/nothing.tar`), /^unable to download remote context http:\/\/127\.0\.0\.1:\d+\/nothing\.tar: 404 Not Found$/);
  t.match(await failure(`git://127.0.0.1:${gitPort}/repo.git#nosuch`), /^unable to clone git:\/\/127\.0\.0\.1:\d+\/repo\.git: git fetch: .*nosuch/);
  t.match(await apiBuild('remote=ftp%3A%2F%2Fhost%2Fx'), [{ message: /only http:\/\/, https:\/\/ and git URLs/ }], 'a bad remote is the API\'s 400');
  for (const [bad, message] of [['https://exa mple.com/x', /not a valid URL/], ['ftp://host/ctx.tar', /only http:\/\/, https:\/\/ and git URLs/]] as const) {
    const refused = await engine.berth(['build', bad]);
    t.equal(refused.code, 125, bad);
    t.match(refused.stderr, message);
    t.equal(refused.stderr.split('\n').length, 2, 'one line');
  }
});

t.test('a download over the limit is cut off as it grows', async (t) => {
  const web = await startContextServer(t, { '/big': { type: 'application/x-tar', body: Buffer.alloc(64 * 1024) } }, engine.dir);
  const file = path.join(engine.dir, 'big.tar');
  await t.rejects(downloadContext(`${web}/big`, file, 1000), { name: 'TooLargeError', message: /larger than the limit of 1000 bytes/ });
  await t.rejects(fs.stat(file), 'the partial file is removed');
  const whole = await downloadContext(`${web}/big`, file, 64 * 1024);
  t.equal(whole.size, 64 * 1024);
  t.equal(whole.contentType, 'application/x-tar');
});
