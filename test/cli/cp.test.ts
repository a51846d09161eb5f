/**
 * cp through the real CLI, both ways, on a running container (through its init's root, frozen
 * meanwhile) and on stopped ones (a mount namespace of their own): Docker's placement rules,
 * tar streams on stdin and stdout, volumes, links that point outside the root, and errors.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { mountsMentioning, startEngine } from '../helpers/engine.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';

gateFile(requiresEngine());

const engine = await startEngine(t);
const CLI = fileURLToPath(new URL('../../cli/main.cjs', import.meta.url));
const host = (...parts: string[]) => path.join(engine.dir, ...parts);
const exec = async (container: string, script: string) => engine.ok(['exec', container, 'sh', '-c', script]);

/** The CLI with a file as stdin or stdout. */
async function piped(args: string[], io: { stdin?: string; stdout?: string }): Promise<number> {
  const input = io.stdin ? await fs.open(io.stdin, 'r') : null;
  const output = io.stdout ? await fs.open(io.stdout, 'w') : null;
  const code = await new Promise<number>((resolve) => {
    spawn(process.execPath, [CLI, ...args], { env: engine.env, stdio: [input?.fd ?? 'ignore', output?.fd ?? 'ignore', 'inherit'] })
      .on('close', (c) => resolve(c ?? 1));
  });
  await input?.close();
  await output?.close();
  return code;
}

t.before(async () => {
  await fs.mkdir(host('site', 'css'), { recursive: true });
  await fs.writeFile(host('site', 'index.html'), '<h1>hi</h1>\n');
  await fs.writeFile(host('site', 'css', 'a.css'), 'body{}\n');
  await fs.writeFile(host('note.txt'), 'a note\n');
  await engine.ok(['run', '-d', '--name', 'box', 'busybox', 'sleep', '1000']);
});

t.test('host to a running container: Docker\'s placement rules', async (t) => {
  const copied = await engine.berth(['cp', host('note.txt'), 'box:/tmp/']);
  t.equal(copied.code, 0, copied.stderr);
  t.match(copied.stderr, /^Successfully copied 7B to box:\/tmp\/\n$/);
  t.equal(await exec('box', 'cat /tmp/note.txt'), 'a note\n', 'a file into an existing dir keeps its name');
  await engine.ok(['cp', host('note.txt'), 'box:/tmp/renamed.txt']);
  t.equal(await exec('box', 'cat /tmp/renamed.txt'), 'a note\n', 'a file to a missing path is created there');
  await engine.ok(['cp', host('site'), 'box:/srv']);
  t.equal(await exec('box', 'cat /srv/index.html /srv/css/a.css'), '<h1>hi</h1>\nbody{}\n', 'a dir to a missing path becomes it');
  await engine.ok(['cp', host('site'), 'box:/srv']);
  t.equal(await exec('box', 'cat /srv/site/index.html'), '<h1>hi</h1>\n', 'a dir into an existing dir goes inside it');
  await engine.ok(['container', 'cp', `${host('site')}/.`, 'box:/tmp']);
  t.equal(await exec('box', 'cat /tmp/index.html'), '<h1>hi</h1>\n', 'SRC/. copies the contents');
  const noDir = await engine.berth(['cp', host('note.txt'), 'box:/nonexistent/']);
  t.equal(noDir.code, 125);
  t.match(noDir.stderr, /destination directory \/nonexistent\/ does not exist/);
  const dirToFile = await engine.berth(['cp', host('site'), 'box:/tmp/note.txt']);
  t.equal(dirToFile.code, 125);
  t.match(dirToFile.stderr, /cannot copy a directory to a file/);
  t.equal((await engine.inspect('box')).State.Status, 'running', 'thawed after the copy');
});

t.test('a running container to the host, and tar streams both ways', async (t) => {
  await exec('box', 'mkdir -p /data/sub && echo one > /data/one && echo two > /data/sub/two && ln -s one /data/link');
  await engine.ok(['cp', 'box:/data', host('out')]);
  t.equal(await fs.readFile(host('out', 'sub', 'two'), 'utf8'), 'two\n');
  t.equal(await fs.readlink(host('out', 'link')), 'one', 'a link is copied as a link');
  await engine.ok(['cp', 'box:/data/one', host('out')]);
  t.equal(await fs.readFile(host('out', 'one'), 'utf8'), 'one\n');
  await engine.ok(['cp', '-L', 'box:/data/link', host('followed')]);
  t.equal(await fs.readFile(host('followed'), 'utf8'), 'one\n', '-L copies what the link points to');

  const tar = host('data.tar');
  t.equal(await piped(['cp', 'box:/data', '-'], { stdout: tar }), 0);
  t.same(execFileSync('tar', ['-tf', tar]).toString().split('\n').filter(Boolean).sort(), ['data/', 'data/link', 'data/one', 'data/sub/', 'data/sub/two']);
  t.equal(await piped(['cp', '-', 'box:/tmp'], { stdin: tar }), 0);
  t.equal(await exec('box', 'cat /tmp/data/sub/two'), 'two\n', 'a tar on stdin is extracted into the dir');
  t.equal(await piped(['cp', '-', 'box:/tmp/note.txt'], { stdin: tar }), 125, 'a tar goes into a dir only');

  const whole = host('root.tar');
  t.equal(await piped(['cp', 'box:/', '-'], { stdout: whole }), 0);
  const names = execFileSync('tar', ['-tf', whole], { maxBuffer: 64 << 20 }).toString().split('\n');
  t.ok(names.includes('./bin/busybox') && names.includes('./data/sub/two'), 'the whole root');
  t.ok(names.includes('./proc/'), 'the container\'s /proc mount point is there');
  t.notOk(names.some((n) => n.startsWith('./proc/') && n !== './proc/'), 'but not what the kernel shows in it');
});

t.test('links pointing outside the root stay inside it, both ways', async (t) => {
  await fs.writeFile(host('secret'), 'host secret\n');
  await exec('box', `ln -s ${host('secret')} /tmp/abs; ln -s /etc /tmp/etc; ln -s ../../../../../../.. /tmp/up`);
  const out = await engine.berth(['cp', '-L', 'box:/tmp/abs', host('leak')]);
  t.equal(out.code, 125, 'an absolute link resolves in the container, where that path does not exist');
  t.match(out.stderr, /Could not find the file/);
  await engine.ok(['cp', 'box:/tmp/up/etc/passwd', host('passwd')]);
  t.equal(await fs.readFile(host('passwd'), 'utf8'), await exec('box', 'cat /etc/passwd'), '.. stops at the container\'s root');
  await engine.ok(['cp', host('note.txt'), 'box:/tmp/etc/']);
  t.equal(await exec('box', 'cat /etc/note.txt'), 'a note\n', 'through /tmp/etc into the container\'s /etc');
  await t.rejects(fs.access('/etc/note.txt'), 'never the host\'s /etc');
  await engine.ok(['cp', host('note.txt'), 'box:/tmp/up/marker']);
  t.equal(await exec('box', 'cat /marker'), 'a note\n');
  await engine.ok(['cp', host('note.txt'), 'box:/tmp/abs']);
  t.equal(await fs.readFile(host('secret'), 'utf8'), 'host secret\n', 'a link at the destination is replaced, not written through');
  t.equal(await exec('box', 'cat /tmp/abs'), 'a note\n');
});

t.test('stopped and never-started containers, with their volumes; a paused one stays paused', async (t) => {
  await engine.ok(['create', '--name', 'fresh', '-v', 'cpvol:/vol', 'busybox', 'cat', '/vol/note.txt', '/etc/added']);
  await engine.ok(['cp', host('note.txt'), 'fresh:/vol/']);
  await engine.ok(['cp', host('note.txt'), 'fresh:/etc/added']);
  t.same(await mountsMentioning(engine.root), [], 'nothing mounted on the host');
  const run = await engine.berth(['start', '-a', 'fresh']);
  t.equal(run.stdout, 'a note\na note\n', `the copies are there at start (${run.stderr})`);
  t.equal(await engine.ok(['run', '--rm', '-v', 'cpvol:/v', 'busybox', 'cat', '/v/note.txt']), 'a note\n', 'the copy went into the volume');
  await engine.ok(['cp', 'fresh:/etc/added', host('from-exited')]);
  t.equal(await fs.readFile(host('from-exited'), 'utf8'), 'a note\n', 'out of an exited container');
  await engine.ok(['rm', 'fresh']);

  await engine.ok(['create', '--name', 'readonly', '--read-only', '-v', 'rwvol:/rw', '-v', `${host('site')}:/site:ro`, 'busybox', 'true']);
  const refused = await engine.berth(['cp', host('note.txt'), 'readonly:/etc/']);
  t.equal(refused.code, 125);
  t.match(refused.stderr, /cannot copy to \/etc\/: it is read-only in the container/);
  t.equal((await engine.berth(['cp', host('note.txt'), 'readonly:/site/'])).code, 125, 'a read-only bind');
  await engine.ok(['cp', host('note.txt'), 'readonly:/rw/']);
  t.equal(await engine.ok(['run', '--rm', '-v', 'rwvol:/v', 'busybox', 'cat', '/v/note.txt']), 'a note\n', 'a writable volume on a read-only root');
  await engine.ok(['rm', 'readonly']);

  await engine.ok(['pause', 'box']);
  await engine.ok(['cp', 'box:/data/one', host('paused-one')]);
  t.equal((await engine.inspect('box')).State.Status, 'paused', 'a paused container is not thawed by cp');
  await engine.ok(['unpause', 'box']);
});

t.test('errors', async (t) => {
  const both = await engine.berth(['cp', 'box:/a', 'box:/b']);
  t.equal(both.code, 125);
  t.match(both.stderr, /copying between containers is not supported/);
  const none = await engine.berth(['cp', host('a'), host('b')]);
  t.equal(none.code, 125);
  t.match(none.stderr, /must specify at least one container/);
  const missing = await engine.berth(['cp', 'nosuch:/etc/passwd', host('x')]);
  t.equal(missing.code, 125);
  t.match(missing.stderr, /No such container: nosuch/);
  const noFile = await engine.berth(['cp', 'box:/nope', host('x')]);
  t.equal(noFile.code, 125);
  t.match(noFile.stderr, /Could not find the file \/nope/);
  t.same((await fs.readdir(engine.runRoot)).filter((n) => n.startsWith('cp-')), [], 'no temp archive is left');
});
