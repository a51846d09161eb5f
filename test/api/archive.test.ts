/** `archive` through `docker cp`, both ways, and its stat header through dockerode. */
import fs from 'node:fs/promises';
import path from 'node:path';
import Docker from 'dockerode';
import t from 'tap';
import { startEngine } from '../helpers/engine.js';
import { docker, dockerOk, dockerSocket } from '../helpers/docker.js';
import { gateFile, requiresEngine, requiresProgram } from '../helpers/gates.js';

gateFile(requiresEngine(), requiresProgram('docker', 'the docker CLI (docker-ce-cli)'));

const engine = await startEngine(t);
const client = new Docker({ socketPath: dockerSocket(engine) });

t.test('docker cp: a file and a directory in and out', async (t) => {
  await dockerOk(engine, ['run', '-d', '--name', 'box', 'busybox', 'sh', '-c', 'mkdir -p /data/sub && echo inside > /data/sub/f && sleep 1000']);
  const host = path.join(engine.dir, 'cp');
  await fs.mkdir(path.join(host, 'tree', 'deep'), { recursive: true });
  await fs.writeFile(path.join(host, 'one.txt'), 'from the host\n');
  await fs.writeFile(path.join(host, 'tree', 'deep', 'leaf'), 'leaf\n');

  await dockerOk(engine, ['cp', path.join(host, 'one.txt'), 'box:/data/']);
  t.equal(await dockerOk(engine, ['exec', 'box', 'cat', '/data/one.txt']), 'from the host\n', 'a file into a directory');
  await dockerOk(engine, ['cp', path.join(host, 'one.txt'), 'box:/data/renamed.txt']);
  t.equal(await dockerOk(engine, ['exec', 'box', 'cat', '/data/renamed.txt']), 'from the host\n', 'a file to a new name');
  await dockerOk(engine, ['cp', path.join(host, 'tree'), 'box:/data/']);
  t.equal(await dockerOk(engine, ['exec', 'box', 'cat', '/data/tree/deep/leaf']), 'leaf\n', 'a directory');

  await dockerOk(engine, ['cp', 'box:/data/sub/f', path.join(host, 'out.txt')]);
  t.equal(await fs.readFile(path.join(host, 'out.txt'), 'utf8'), 'inside\n', 'a file out');
  await dockerOk(engine, ['cp', 'box:/data/sub', path.join(host, 'subcopy')]);
  t.equal(await fs.readFile(path.join(host, 'subcopy', 'f'), 'utf8'), 'inside\n', 'a directory out');

  const missing = await docker(engine, ['cp', 'box:/nothere', host]);
  t.not(missing.code, 0);
  t.match(missing.stderr, /nothere/);
  const intoMissing = await docker(engine, ['cp', path.join(host, 'one.txt'), 'box:/no/such/dir/']);
  t.not(intoMissing.code, 0);
});

t.test('dockerode: getArchive and its stat, putArchive', async (t) => {
  const box = client.getContainer('box');
  // dockerode hands over the HEAD response; the stat is its header, base64 JSON.
  const stat = async (wanted: string) => {
    const response = await box.infoArchive({ path: wanted }) as unknown as { headers: Record<string, string> };
    return JSON.parse(Buffer.from(response.headers['x-docker-container-path-stat'], 'base64').toString()) as { name: string; size: number; mode: number; linkTarget: string };
  };
  const info = await stat('/data/sub');
  t.match(info, { name: 'sub', linkTarget: '' });
  t.ok((info.mode & 0x80000000) !== 0, 'a directory, in Go\'s FileMode bits');
  const file = await stat('/data/sub/f');
  t.match(file, { name: 'f', size: 7 });
  t.equal(file.mode & 0o777, 0o644);
  const { pack } = await import('tar-stream');
  const tar = pack();
  tar.entry({ name: 'put.txt', mode: 0o600 }, 'put\n');
  tar.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of tar) chunks.push(chunk as Buffer);
  await box.putArchive(Buffer.concat(chunks), { path: '/data' });
  t.equal(await dockerOk(engine, ['exec', 'box', 'cat', '/data/put.txt']), 'put\n');
  await dockerOk(engine, ['rm', '-f', 'box']);
});
