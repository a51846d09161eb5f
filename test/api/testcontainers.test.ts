/**
 * testcontainers (npm) against berth's Engine API socket, unchanged: a container from the
 * local busybox image, a wait for a log line, a mapped port reached over HTTP from the test's
 * process, an exec, a stop. Ryuk is disabled, since its image is not here. The engine runs
 * with bridge networking inside a network namespace this test makes, and so does the
 * testcontainers client (test/fixtures/testcontainersClient.ts, a node process of its own):
 * the published port lives in that namespace.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { runCaptured, startEngine } from '../helpers/engine.js';
import { dockerSocket } from '../helpers/docker.js';
import { gateFile, requiresEngine, requiresProgram } from '../helpers/gates.js';
import { NetworkNamespace } from '../helpers/netns.js';

gateFile(requiresEngine(), requiresProgram('ip', 'apt-get install iproute2'), requiresProgram('nft', 'apt-get install nftables'));

const CLIENT = fileURLToPath(new URL('../fixtures/testcontainersClient.js', import.meta.url));

const inner = NetworkNamespace.create(t);
const engine = await startEngine(t, { netns: inner.prefix });

/** The client script in the namespace, as a user's suite runs it: DOCKER_HOST, no Ryuk. */
async function testcontainers(args: string[]): Promise<any> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: engine.dir,
    // Its lock file (testcontainers-node-UID.lock) goes there, and is removed with the engine.
    TMPDIR: engine.dir,
    DOCKER_HOST: `unix://${dockerSocket(engine)}`,
    // testcontainers looks for the host of mapped ports through the bridge network's gateway
    // when /.dockerenv exists (as on a CI machine in a container), else uses "localhost".
    // The ports are published on the namespace's 127.0.0.1 either way.
    TESTCONTAINERS_HOST_OVERRIDE: '127.0.0.1',
    TESTCONTAINERS_RYUK_DISABLED: 'true',
    // Its debug log goes to stderr, which a failure shows.
    DEBUG: 'testcontainers*',
  };
  const [file, ...prefix] = [...inner.prefix, process.execPath];
  const ran = await runCaptured(file, [...prefix, CLIENT, ...args], { env, timeoutMs: 120_000, what: 'the testcontainers client' });
  if (ran.code !== 0) throw new Error(`the testcontainers client exited ${ran.code}:\n${ran.stderr}`);
  return JSON.parse(ran.stdout);
}

t.test('a busybox httpd through testcontainers: wait for a log line, a mapped port, exec, stop', async (t) => {
  const result = await testcontainers(['busybox:latest']);
  t.match(result.id, /^[a-f0-9]{64}$/);
  t.equal(result.name, '/tc-web');
  t.equal(result.host, '127.0.0.1');
  t.ok(result.port > 0 && result.port !== 80, `a host port the engine chose: ${result.port}`);
  t.same(result.page, { status: 200, body: 'hello testcontainers\n' }, 'busybox httpd, reached on the mapped port');
  t.equal(result.missing.status, 404);
  t.same(result.restartedPage, result.page, 'served again after a restart, whose "ready" was waited for');
  t.same(result.exec, { output: result.exec.output, stdout: 'in-exec\nhello testcontainers\n', stderr: 'to-err\n', exitCode: 3 });
  t.match(result.exec.output, /in-exec/);
  t.equal(result.hostname.exitCode, 0);
  t.equal(result.hostname.stdout, `${result.id.slice(0, 12)}\n`);
  t.match(result.labels, { suite: 'berth', 'org.testcontainers': 'true' });
  t.equal(result.stopped, result.id);
  t.match(result.committed, /^sha256:[a-f0-9]{64}$/, 'committed');
  t.same(result.fromCommitted, { output: 'hello testcontainers\n', stdout: 'hello testcontainers\n', stderr: '', exitCode: 0 }, 'its image holds the copied page');
  t.equal(result.restarts, 3, 'a container that logs its line at once, restarted and waited for three times');

  const ps = await engine.ok(['ps', '-a', '--no-trunc', '--format', '{{.ID}} {{.Names}} {{.State}}']);
  t.equal(ps, `${result.id} tc-web exited\n`, 'stopped and kept, as berth ps sees it');
  const inspected = await engine.inspect('tc-web');
  t.equal(inspected.State.ExitCode, 0, 'ended by its TERM trap');
  t.equal(inspected.Config.Labels.suite, 'berth');
  t.match(await engine.ok(['logs', 'tc-web']), /^ready\nbye\nready\nbye\n$/, 'two runs, each ended by SIGTERM');
  const lastReady = (await engine.ok(['logs', '-t', 'tc-web'])).split('\n')[2]!;
  t.ok(Date.parse(lastReady.split(' ')[0]!) >= Date.parse(inspected.State.StartedAt), `StartedAt ${inspected.State.StartedAt} is no later than its output: ${lastReady}`);
  await engine.ok(['rm', 'tc-web']);
  t.equal((await engine.inspect('tc-committed:1')).Id, result.committed, 'berth has the committed image');
  await engine.ok(['rmi', 'tc-committed:1']);
});

t.test('a stop removes the container by default', async (t) => {
  const result = await testcontainers(['busybox:latest', '--remove']);
  t.equal(result.page.status, 200);
  t.equal(await engine.ok(['ps', '-aq']), '', 'gone, as berth ps sees it');
});
