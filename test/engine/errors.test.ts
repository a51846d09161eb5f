/** Bad input gets one clear line and Docker's exit code; the daemon and the log stay healthy. */
import t from 'tap';
import { connectEngine } from '../../client/connect.js';
import { buildCreateRequest } from '../../client/createOptions.js';
import { layoutFrom } from '../../runtime/layout.js';
import { startEngine } from '../helpers/engine.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';

gateFile(requiresEngine());

const engine = await startEngine(t);

const cases: Array<{ what: string; args: string[]; code: number; message: RegExp }> = [
  { what: 'an unknown image', args: ['run', '--rm', 'nosuchimage', 'true'], code: 125, message: /Unable to find image 'nosuchimage:latest' locally/ },
  { what: 'a bad flag', args: ['run', '--no-such-flag', 'busybox', 'true'], code: 125, message: /unknown option '--no-such-flag'/ },
  { what: 'a missing command', args: ['run', '--rm', 'busybox', 'no-such-command'], code: 127, message: /exec: "no-such-command": executable file not found in \$PATH/ },
  { what: 'a command that cannot run', args: ['run', '--rm', 'busybox', '/etc/passwd'], code: 126, message: /exec: "\/etc\/passwd": permission denied/ },
  { what: 'a directory as the command', args: ['run', '--rm', 'busybox', '/etc'], code: 126, message: /exec: "\/etc"/ },
  { what: 'a bad memory value', args: ['run', '-m', 'lots', 'busybox', 'true'], code: 125, message: /invalid value "lots" for --memory/ },
  { what: 'a too small memory limit', args: ['run', '-m', '1k', 'busybox', 'true'], code: 125, message: /Minimum memory limit allowed is 6MB/ },
  { what: 'a bad pids limit', args: ['run', '--pids-limit', '-3', 'busybox', 'true'], code: 125, message: /--pids-limit/ },
  { what: 'a malformed image reference', args: ['run', 'BusyBox', 'true'], code: 125, message: /invalid reference format/ },
  { what: 'a relative workdir', args: ['run', '-w', 'rel', 'busybox', 'true'], code: 125, message: /needs to be an absolute path/ },
  { what: 'a bad name', args: ['run', '--name', 'a b', 'busybox', 'true'], code: 125, message: /Invalid container name/ },
  { what: 'an image without a command', args: ['run', 'busybox'], code: 125, message: /No command specified/ },
  { what: 'a missing import file', args: ['import', '/nonexistent.tar', 'x'], code: 125, message: /no such file/ },
  { what: 'an unknown verb', args: ['fly'], code: 125, message: /unknown command 'fly'/ },
  { what: 'an unknown container', args: ['logs', 'ghost'], code: 125, message: /No such container: ghost/ },
];

for (const c of cases) {
  t.test(c.what, async (t) => {
    const result = await engine.berth(c.args);
    t.equal(result.code, c.code, `exit code ${c.code}`);
    t.match(result.stderr, c.message);
    t.equal(result.stderr.trim().split('\n')[0]!.startsWith('berth: '), true, 'one line that says berth');
  });
}

t.test('a request only the schema refuses: a command packs it unchecked, and the daemon answers with the schema\'s error', async (t) => {
  const client = await connectEngine({ layout: layoutFrom({ root: engine.root, runRoot: engine.runRoot }) });
  t.ok(client, 'the client of the test\'s daemon');
  t.teardown(() => client!.close());
  // A pids limit no flag parser would let through: the client does not check the request itself (events/codec.ts packRequest).
  const spec = { ...buildCreateRequest({ image: 'busybox', cmd: ['true'], env: [], labels: {}, mounts: [], volumesFrom: [], constraints: [], autoRemove: false } as never), pidsLimit: 0.5 };
  const refused = await client!.request({ op: 'container.create', spec, start: false }).then(() => null, (error: Error) => error);
  t.equal(refused?.name, 'ValidationError');
  t.match(refused?.message, /invalid message at request\.spec\.pidsLimit: /, 'the schema\'s error, naming the field');
  t.equal((await engine.ok(['ps', '-aq'])).trim(), '', 'nothing was created');
});

t.test('a name already in use', async (t) => {
  await engine.ok(['run', '-d', '--name', 'taken', 'busybox', 'sleep', '1000']);
  const result = await engine.berth(['run', '--name', 'taken', 'busybox', 'true']);
  t.equal(result.code, 125);
  t.match(result.stderr, /Conflict\. The container name "\/taken" is already in use/);
  await engine.ok(['rm', '-f', 'taken']);
});

t.test('after all that, the daemon answers and the failed runs left nothing', async (t) => {
  t.equal((await engine.ok(['ps', '-aq'])).trim(), '', 'the --rm failures were removed');
  t.equal(await engine.ok(['run', '--rm', 'busybox', 'echo', 'still fine']), 'still fine\n');
  const events = await engine.ok(['events', '--since', '0', '--until', '0s', '--format', 'json', '--filter', 'event=die']);
  const codes = events.trim().split('\n').map((line) => JSON.parse(line).Actor.Attributes.exitCode);
  t.same(codes.filter((c: string) => c === '127' || c === '126').sort(), ['126', '126', '127'], 'each failed start is a die event with its code');
});
