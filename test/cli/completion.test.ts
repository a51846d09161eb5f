/**
 * The bash completion script as the real CLI prints it, sourced by a real bash: verbs, nested
 * verbs and aliases, flags, flag values, and live container, image and volume names (through a
 * `berth` on PATH that talks to this test's engine).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { startEngine } from '../helpers/engine.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';

gateFile(requiresEngine());

const run = promisify(execFile);
const engine = await startEngine(t);
const CLI = fileURLToPath(new URL('../../cli/main.cjs', import.meta.url));
const bin = path.join(engine.dir, 'bin');
const script = path.join(engine.dir, 'berth.bash');

/** What bash completes for `words` (the last one is the word being completed). */
async function complete(...words: string[]): Promise<string[]> {
  const array = words.map((w) => `'${w}'`).join(' ');
  const { stdout } = await run('bash', ['-c', `source ${script}; COMP_WORDS=(${array}); COMP_CWORD=${words.length - 1}; _berth; printf '%s\\n' "\${COMPREPLY[@]}"`], {
    env: { ...engine.env, PATH: `${bin}:${process.env.PATH}` }, cwd: engine.dir,
  });
  return stdout.split('\n').filter(Boolean).sort();
}

t.before(async () => {
  await fs.mkdir(bin);
  await fs.writeFile(path.join(bin, 'berth'), `#!/bin/sh\nexec ${process.execPath} -- ${CLI} "$@"\n`, { mode: 0o755 });
  await fs.writeFile(script, await engine.ok(['completion', 'bash']));
  await engine.ok(['create', '--name', 'completeme', 'busybox', 'true']);
  await engine.ok(['volume', 'create', 'compvol']);
  await fs.writeFile(path.join(engine.dir, 'app.env'), 'A=1\n');
});

t.test('verbs, nested verbs and flags', async (t) => {
  t.same(await complete('berth', 'ru'), ['run']);
  t.same(await complete('berth', 'container', 'p'), ['pause', 'port', 'prune', 'ps']);
  t.same(await complete('berth', 'image', 'pu'), ['pull', 'push']);
  t.same(await complete('berth', 'system', ''), ['df', 'events', 'info', 'migrate', 'prune']);
  t.same(await complete('berth', 'run', '--env-f'), ['--env-file']);
  t.same(await complete('berth', '--root', '/x', 'cp', '-'), ['--archive', '--follow-link', '--help', '--quiet', '-L', '-a', '-h', '-q'], 'after a global flag and its value');
  t.same(await complete('berth', 'volume', 'list', '--f'), ['--filter', '--format'], 'an alias completes as its command');
  t.same(await complete('berth', 'run', '--env-file', 'app.'), ['app.env'], 'a flag\'s value is a file');
  const wrong = await run('bash', ['-c', `source ${script}; complete -p berth`]);
  t.equal(wrong.stdout.trim(), 'complete -F _berth berth');
});

t.test('live names for containers, images and volumes', async (t) => {
  t.same(await complete('berth', 'start', 'comp'), ['completeme']);
  t.same(await complete('berth', 'container', 'rm', '-f', 'comp'), ['completeme']);
  t.same(await complete('berth', 'stop', 'other', 'comp'), ['completeme'], 'every word of <containers...> is a container');
  t.same(await complete('berth', 'rmi', 'busy'), ['busybox:latest']);
  t.same(await complete('berth', 'run', '-e', 'A=1', 'busy'), ['busybox:latest'], '-e takes a value, so busy is the image');
  t.same(await complete('berth', 'volume', 'rm', 'comp'), ['compvol']);
  t.same(await complete('berth', 'run', 'busybox', 'app.'), ['app.env'], 'the command after the image is files');
});

t.test('unknown shells are refused', async (t) => {
  const zsh = await engine.berth(['completion', 'zsh']);
  t.equal(zsh.code, 125);
  t.match(zsh.stderr, /unsupported shell "zsh" \(only bash is supported\)/);
});
