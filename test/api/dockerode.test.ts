/** dockerode (the Node SDK) and python3-docker against berth's Engine API socket. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import t from 'tap';
import { startEngine } from '../helpers/engine.js';
import { dockerSocket } from '../helpers/docker.js';
import { gateFile, requiresEngine, requiresProgram } from '../helpers/gates.js';

gateFile(requiresEngine(), requiresProgram('python3', 'apt-get install python3-docker'));

const run = promisify(execFile);
const engine = await startEngine(t);
const client = new Docker({ socketPath: dockerSocket(engine) });

/** Docker's stdcopy frames split back into stdout and stderr. */
function demultiplex(buffer: Buffer): { stdout: string; stderr: string } {
  const out = { stdout: '', stderr: '' };
  for (let at = 0; at + 8 <= buffer.length;) {
    const length = buffer.readUInt32BE(at + 4);
    const data = buffer.subarray(at + 8, at + 8 + length).toString();
    if (buffer[at] === 2) out.stderr += data; else out.stdout += data;
    at += 8 + length;
  }
  return out;
}

t.test('dockerode: ping, version, create, start, wait, logs, remove', async (t) => {
  t.equal(String(await client.ping()), 'OK');
  const version = await client.version();
  t.equal(version.ApiVersion, '1.51');
  const container = await client.createContainer({
    Image: 'busybox', Cmd: ['sh', '-c', 'echo to-out; echo to-err >&2; exit 7'], name: 'sdk', Labels: { made: 'dockerode' }, Env: ['X=1'],
  });
  const inspected = await container.inspect();
  t.equal(inspected.Name, '/sdk');
  t.equal(inspected.State.Status, 'created');
  t.same(inspected.Config.Labels, { made: 'dockerode' });
  t.ok(inspected.Config.Env.includes('X=1'));
  const waited = container.wait({ condition: 'next-exit' });
  await container.start();
  t.same(await waited, { StatusCode: 7, Error: null });
  const logs = await container.logs({ stdout: true, stderr: true, follow: false });
  t.same(demultiplex(logs as unknown as Buffer), { stdout: 'to-out\n', stderr: 'to-err\n' });
  const listed = await client.listContainers({ all: true, filters: { label: ['made=dockerode'] } });
  t.same(listed.map((c) => c.Names), [['/sdk']]);
  t.equal(listed[0].State, 'exited');
  await container.remove();
  await t.rejects(container.inspect(), { statusCode: 404 } as never);
  t.same(await client.listContainers({ all: true }), []);
});

t.test('dockerode: exec and its exit code', async (t) => {
  const container = await client.createContainer({ Image: 'busybox', Cmd: ['sleep', '1000'] });
  await container.start();
  const exec = await container.exec({ Cmd: ['sh', '-c', 'echo from-exec; exit 5'], AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  await new Promise((resolve) => stream.on('end', resolve));
  t.equal(demultiplex(Buffer.concat(chunks)).stdout, 'from-exec\n');
  const inspected = await exec.inspect();
  t.equal(inspected.ExitCode, 5);
  t.equal(inspected.Running, false);
  await container.remove({ force: true });
});

t.test('errors: status codes and one message, never a crash', async (t) => {
  await t.rejects(client.getContainer('nothere').start(), { statusCode: 404, json: { message: 'No such container: nothere' } } as never);
  const raw = (path: string, body: string) => new Promise<{ status: number; body: string }>((resolve, reject) => {
    import('node:http').then(({ request }) => {
      const r = request({ socketPath: dockerSocket(engine), path, method: 'POST', headers: { 'Content-Type': 'application/json' } }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => { text += d.toString(); });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      r.on('error', reject);
      r.end(body);
    }, reject);
  });
  const malformed = await raw('/v1.50/containers/create', '{"Image": ');
  t.equal(malformed.status, 400);
  t.match(JSON.parse(malformed.body).message, /^invalid JSON/);
  const noImage = await raw('/containers/create', '{}');
  t.equal(noImage.status, 400);
  const tooNew = await raw('/v1.99/containers/create', '{}');
  t.equal(tooNew.status, 400);
  t.equal(JSON.parse(tooNew.body).message, 'client version 1.99 is too new. Maximum supported API version is 1.51');
  const tooOld = await raw('/v1.12/containers/create', '{}');
  t.match(JSON.parse(tooOld.body).message, /client version 1.12 is too old/);
  const unknown = await raw('/v1.50/nothing', '');
  t.equal(unknown.status, 404);
  t.equal(JSON.parse(unknown.body).message, 'page not found');
  t.equal(String(await client.ping()), 'OK', 'still serving');
});

t.test('python3-docker: run, wait, logs, remove', async (t) => {
  const script = `
import docker, sys
c = docker.DockerClient(base_url='unix://${dockerSocket(engine)}')
assert c.ping()
out = c.containers.run('busybox', ['echo', 'from-python'], remove=True)
sys.stdout.write(out.decode())
box = c.containers.create('busybox', ['sh', '-c', 'exit 3'], name='py')
box.start()
print(box.wait()['StatusCode'])
box.remove()
print(len(c.containers.list(all=True)))
print(sorted(t for i in c.images.list() for t in i.tags))
`;
  const { stdout } = await run('python3', ['-c', script], { timeout: 60_000 });
  t.equal(stdout, 'from-python\n3\n0\n[\'busybox:latest\']\n');
});
