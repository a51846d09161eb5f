/** `POST /build` (the legacy builder's API) through the docker CLI, dockerode and python3-docker. */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import t from 'tap';
import { pack } from 'tar-stream';
import { startEngine } from '../helpers/engine.js';
import { docker, dockerOk, dockerSocket } from '../helpers/docker.js';
import { gateFile, requiresEngine, requiresProgram } from '../helpers/gates.js';

gateFile(requiresEngine(), requiresProgram('docker', 'the docker CLI (docker-ce-cli)'), requiresProgram('python3', 'apt-get install python3-docker'));

const run = promisify(execFile);
const engine = await startEngine(t);
const client = new Docker({ socketPath: dockerSocket(engine) });

/** A context directory with these files. */
async function context(name: string, files: Record<string, string>): Promise<string> {
  const dir = path.join(engine.dir, name);
  await fs.mkdir(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) await fs.writeFile(path.join(dir, file), text);
  return dir;
}

const legacy = (args: string[]) => docker(engine, args, { env: { DOCKER_BUILDKIT: '0' }, timeoutMs: 120_000 });

t.test('docker build (legacy builder): steps, RUN output, build args, labels, tags, the cache', async (t) => {
  const dir = await context('app', {
    Dockerfile: 'FROM busybox\nARG GREETING=hello\nCOPY msg.txt /msg.txt\nRUN echo "run says $GREETING" && cat /msg.txt\nCMD ["cat", "/msg.txt"]\n',
    'msg.txt': 'from the context\n',
  });
  const built = await legacy(['build', '-t', 'app:1', '--build-arg', 'GREETING=hi', '--label', 'made=api', dir]);
  t.equal(built.code, 0, built.stderr);
  t.match(built.stdout, /Step 1\/3 : FROM busybox/);
  t.match(built.stdout, /Step 3\/3 : RUN echo/);
  t.match(built.stdout, /run says hi\nfrom the context\n/, 'the RUN output, with the build arg');
  t.match(built.stdout, /Successfully built [a-f0-9]{12}\nSuccessfully tagged app:1\n/);
  t.equal(await dockerOk(engine, ['inspect', '-f', '{{.Config.Labels.made}}', 'app:1']), 'api\n');
  const ran = await docker(engine, ['run', '--rm', 'app:1']);
  t.equal(ran.stdout, 'from the context\n', ran.stderr);

  const again = await legacy(['build', '-q', '-t', 'app:2', '--build-arg', 'GREETING=hi', dir]);
  t.equal(again.code, 0, again.stderr);
  t.match(again.stdout, /^sha256:[a-f0-9]{64}\n$/, '-q prints the id only');
  const cached = await legacy(['build', '-t', 'app:3', '--build-arg', 'GREETING=hi', dir]);
  t.equal((cached.stdout.match(/Using cache/g) ?? []).length, 2, 'both layer steps come from the cache');
  const iid = path.join(engine.dir, 'iid');
  await legacy(['build', '--iidfile', iid, '-f', path.join(dir, 'Dockerfile'), dir]);
  t.match(await fs.readFile(iid, 'utf8'), /^sha256:[a-f0-9]{64}$/, '--iidfile, from aux.ID');
});

t.test('docker build: a failing RUN and a bad Dockerfile are the builder\'s errors', async (t) => {
  const failing = await context('failing', { Dockerfile: 'FROM busybox\nRUN echo before; exit 3\n' });
  const failed = await legacy(['build', failing]);
  t.not(failed.code, 0);
  t.match(failed.stdout, /before\n/);
  t.match(failed.stderr, /Dockerfile:2.*3/);
  const bad = await context('bad', { Dockerfile: 'FROM busybox\nNOPE x\n' });
  const refused = await legacy(['build', bad]);
  t.not(refused.code, 0);
  t.match(refused.stderr, /NOPE/i);
  const platform = await legacy(['build', '--platform', 'linux/s390x', bad]);
  t.not(platform.code, 0);
  t.match(platform.stderr, /not this host's/);
});

t.test('dockerode: buildImage streams the progress and ends in aux.ID', async (t) => {
  const tar = pack();
  tar.entry({ name: 'Dockerfile' }, 'FROM busybox\nRUN echo from-dockerode > /f\n');
  tar.finalize();
  const stream = await client.buildImage(tar as never, { t: 'sdk:1', nocache: true });
  const lines = await new Promise<Array<Record<string, any>>>((resolve, reject) => {
    client.modem.followProgress(stream, (error: Error | null, output: Array<Record<string, any>>) => (error ? reject(error) : resolve(output)));
  });
  const id = lines.find((line) => line.aux?.ID)?.aux.ID;
  t.match(id, /^sha256:[a-f0-9]{64}$/);
  t.ok(lines.some((line) => /Step 2\/2 : RUN echo from-dockerode/.test(line.stream ?? '')));
  t.equal((await client.getImage('sdk:1').inspect()).Id, id);
});

t.test('python3-docker: images.build, with a failing build raising BuildError', async (t) => {
  const dir = await context('py', { Dockerfile: 'FROM busybox\nARG V\nRUN echo "v=$V" > /v\nCMD ["cat", "/v"]\n' });
  const script = `
import docker
c = docker.DockerClient(base_url='unix://${dockerSocket(engine)}')
image, logs = c.images.build(path='${dir}', tag='py:1', buildargs={'V': '7'}, rm=True)
print(image.tags)
print(c.containers.run('py:1', remove=True).decode(), end='')
try:
    c.images.build(fileobj=__import__('io').BytesIO(b'FROM busybox\\nRUN exit 4\\n'))
except docker.errors.BuildError as e:
    print('BuildError')
`;
  const { stdout } = await run('python3', ['-c', script], { timeout: 120_000 });
  t.equal(stdout, "['py:1']\nv=7\nBuildError\n");
});
