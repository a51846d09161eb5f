/** A member of group berth, not root, reaches the API socket through the 0700 run root; others do not. */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import { promisify } from 'node:util';
import t from 'tap';
import { groupId } from '../../api/socket.js';
import { startEngine } from '../helpers/engine.js';
import { dockerSocket } from '../helpers/docker.js';
import { gateFile, requiresEngine, requiresProgram } from '../helpers/gates.js';

gateFile(requiresEngine(), requiresProgram('docker', 'the docker CLI (docker-ce-cli)'), requiresProgram('groupadd', 'passwd'), requiresProgram('setpriv', 'util-linux'));

const run = promisify(execFile);
// The group exists for this test only, unless the machine had one already.
const existed = (await groupId('berth')) !== null;
if (!existed) await run('groupadd', ['--system', 'berth']);
t.teardown(async () => { if (!existed) await run('groupdel', ['berth']); });
const gid = (await groupId('berth'))!;

const engine = await startEngine(t);
// The test's own temp dir is 0700 too; the daemon's run root inside it is what is tested.
await fs.chmod(engine.dir, 0o711);

/** `docker version` as nobody, with these supplementary groups. */
const asNobody = (groups: string) => run('setpriv', ['--reuid=65534', '--regid=65534', groups === '' ? '--clear-groups' : `--groups=${groups}`, 'docker', 'version', '--format', '{{.Server.APIVersion}}'], {
  env: { PATH: process.env.PATH, HOME: '/tmp', DOCKER_HOST: `unix://${dockerSocket(engine)}`, DOCKER_CONFIG: `${engine.dir}/nobody-docker` },
}).then((r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }), (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }));

t.test('the socket and its directory let group berth through, and only it', async (t) => {
  const socket = await fs.stat(dockerSocket(engine));
  t.equal(socket.gid, gid);
  t.equal(socket.mode & 0o777, 0o660);
  const runRoot = await fs.stat(engine.runRoot);
  t.equal(runRoot.mode & 0o777, 0o710, 'the run root: the group may pass, not list');
  t.equal(runRoot.gid, gid);
  const member = await asNobody(String(gid));
  t.equal(member.code, 0, member.stderr);
  t.equal(member.stdout, '1.51\n');
  const stranger = await asNobody('');
  t.not(stranger.code, 0);
  t.match(stranger.stderr, /permission denied/);
  const listing = await run('setpriv', ['--reuid=65534', '--regid=65534', `--groups=${gid}`, 'ls', engine.runRoot]).catch((e: Error) => e);
  t.ok(listing instanceof Error, 'the run root cannot be listed by the group');
});
