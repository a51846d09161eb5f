/**
 * No reply takes the daemon down (issue 22: a reply over NATS's 8 MB max_payload threw from
 * msg.respond, unhandled, and the daemon died). Large answers come in parts: `ps -a` of six
 * containers carrying 1.5 MB of env each, `diff` of 60k long names; and a registry's 12 MB
 * error body during `pull` is cut to its start. The daemon answers on after each.
 */
import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import t, { type Test } from 'tap';
import { alive, startEngine } from '../helpers/engine.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';

gateFile(requiresEngine());

// One engine for the three: each checks that the daemon (the same pid) is alive and answers
// after its large reply. The subtests run in order; ps -a comes first, while only its six exist.
const engine = await startEngine(t);
const pid = (await engine.daemonInfo())!.pid;

async function daemonAnswers(t: Test): Promise<void> {
  t.ok(alive(pid), 'the daemon is alive');
  t.equal((await engine.berth(['ps', '-q'])).code, 0, 'and answers');
}

t.test('ps -a of six containers with 1.5 MB of env each', async (t) => {
  const envFile = path.join(engine.dir, 'big.env');
  // 1500 entries of 1 KB: an --env-file, since one argv string may hold 128 KB at most
  await fs.writeFile(envFile, Array.from({ length: 1500 }, (_, i) => `V${i}=${'x'.repeat(1020)}`).join('\n'));
  for (let i = 0; i < 6; i++) await engine.ok(['create', '--name', `big${i}`, '--env-file', envFile, 'busybox', 'true']);
  const ps = await engine.berth(['ps', '-a', '--format', '{{.Names}}'], { timeoutMs: 120_000 });
  t.equal(ps.code, 0, `ps -a succeeds (${ps.stderr.trim().slice(0, 200)})`);
  t.same(ps.stdout.trim().split('\n').sort(), ['big0', 'big1', 'big2', 'big3', 'big4', 'big5'], 'every container listed');
  const env = JSON.parse(await engine.ok(['inspect', '--format', '{{json .Config.Env}}', 'big3'])) as string[];
  t.equal(env.filter((e) => e.startsWith('V')).length, 1500, 'inspect shows the whole env');
  await daemonAnswers(t);
});

t.test('diff of 60k long names', async (t) => {
  const id = (await engine.ok(['run', '-d', 'busybox', 'sleep', '600'])).trim();
  // Straight into the container's upper dir (diff reads it): 60k names of 200 characters.
  const dir = path.join(engine.root, 'containers', id, 'upper', 'many');
  await fs.mkdir(dir);
  // Made 500 at a time, not one awaited write after another: the same 60k names, sooner.
  for (let start = 0; start < 60_000; start += 500) {
    await Promise.all(Array.from({ length: 500 }, (_, i) => fs.writeFile(path.join(dir, `${String(start + i).padStart(6, '0')}${'n'.repeat(194)}`), '')));
  }
  const diff = await engine.berth(['diff', id], { timeoutMs: 120_000 });
  t.equal(diff.code, 0, `diff succeeds (${diff.stderr.trim().slice(0, 200)})`);
  const lines = diff.stdout.trim().split('\n');
  t.equal(lines.filter((l) => l.startsWith('A /many/')).length, 60_000, `every added name listed (${diff.stdout.length} bytes)`);
  await daemonAnswers(t);
});

t.test('a registry\'s 12 MB error body during pull', async (t) => {
  const body = JSON.stringify({ errors: [{ code: 'DENIED', message: 'y'.repeat(12 << 20) }] });
  const server = http.createServer((request, response) => {
    if (request.url === '/v2/') return void response.writeHead(200).end('{}');
    response.writeHead(400, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const port = (server.address() as { port: number }).port;
  const pull = await engine.berth(['pull', `127.0.0.1:${port}/big/error:latest`], { timeoutMs: 120_000 });
  t.not(pull.code, 0, 'the pull fails');
  t.match(pull.stderr, /400 \{"errors":\[\{"code":"DENIED"/, 'with the registry\'s answer');
  t.ok(pull.stderr.length < 4096, `cut to its start (${pull.stderr.length} bytes of stderr)`);
  await daemonAnswers(t);
});
