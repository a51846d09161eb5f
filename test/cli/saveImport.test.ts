/** save to stdout and import from stdin through the real CLI, each round-tripped into a run. */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { startEngine } from '../helpers/engine.js';
import { tarBuffer } from '../../runtime/images/tarWriter.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';

gateFile(requiresEngine());

const engine = await startEngine(t);
const CLI = fileURLToPath(new URL('../../cli/main.cjs', import.meta.url));

async function piped(args: string[], io: { stdin?: string; stdout?: string }): Promise<{ code: number; stderr: string }> {
  const input = io.stdin ? await fs.open(io.stdin, 'r') : null;
  const output = io.stdout ? await fs.open(io.stdout, 'w') : null;
  let stderr = '';
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, ['--', CLI, ...args], { env: engine.env, stdio: [input?.fd ?? 'ignore', output?.fd ?? 'pipe', 'pipe'] });
    child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.stdout?.resume();
    child.on('close', (c) => resolve(c ?? 1));
  });
  await input?.close();
  await output?.close();
  return { code, stderr };
}

t.test('save without -o writes the archive to stdout; it loads back and runs', async (t) => {
  const archive = path.join(engine.dir, 'saved.tar');
  const saved = await piped(['save', 'busybox'], { stdout: archive });
  t.equal(saved.code, 0, saved.stderr);
  t.match(execFileSync('tar', ['-tf', archive]).toString(), /^manifest\.json$/m);
  const oci = path.join(engine.dir, 'saved-oci.tar');
  t.equal((await piped(['image', 'save', '--format', 'oci-archive', 'busybox'], { stdout: oci })).code, 0);
  t.match(execFileSync('tar', ['-tf', oci]).toString(), /^index\.json$/m);
  await engine.ok(['rmi', 'busybox']);
  t.equal(await engine.ok(['load', '-i', archive]), 'Loaded image: busybox:latest\n');
  t.equal(await engine.ok(['run', '--rm', 'busybox', 'echo', 'loaded']), 'loaded\n');
  t.same((await fs.readdir(engine.runRoot)).filter((n) => n.startsWith('save-')), [], 'the temp archive is gone');
});

t.test('import - reads the tarball from stdin', async (t) => {
  const rootfs = path.join(engine.dir, 'extra.tar');
  await fs.writeFile(rootfs, await tarBuffer([{ path: 'hello.txt', type: 'file', data: 'from stdin\n' }]));
  const imported = await piped(['import', '-', 'fromstdin:v1'], { stdin: rootfs });
  t.equal(imported.code, 0, imported.stderr);
  const [image] = JSON.parse(await engine.ok(['inspect', 'fromstdin:v1']));
  t.equal(image.RootFS.Layers.length, 1);
  t.same((await fs.readdir(engine.runRoot)).filter((n) => n.startsWith('import-')), [], 'the temp archive is gone');
  const missing = await engine.berth(['import', path.join(engine.dir, 'nope.tar')]);
  t.equal(missing.code, 125);
  t.match(missing.stderr, /no such file/);
});

t.test('import -c and -m shape the config and history', async (t) => {
  const rootfs = path.join(engine.dir, 'busybox.tar');
  const id = (await engine.ok(['image', 'import', '-c', 'ENV GREETING=imported', '-c', 'CMD ["sh", "-c", "echo $GREETING"]', '--change', 'WORKDIR /tmp',
    '-m', 'from a tarball', rootfs, 'changedimport:v1'])).trim();
  t.match(id, /^sha256:[a-f0-9]{64}$/);
  t.equal(await engine.ok(['run', '--rm', 'changedimport:v1']), 'imported\n');
  const [image] = JSON.parse(await engine.ok(['inspect', 'changedimport:v1']));
  t.same([image.Config.Cmd, image.Config.WorkingDir], [['sh', '-c', 'echo $GREETING'], '/tmp']);
  t.match(image.Config.Env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'GREETING=imported']);
  t.match(await engine.ok(['history', 'changedimport:v1']), /from a tarball/);
  const bad = await engine.berth(['import', '-c', 'FROM scratch', rootfs]);
  t.equal(bad.code, 125);
  t.equal(bad.stderr.split('\n').filter(Boolean).length, 1);
  t.match(bad.stderr, /FROM is not a valid change command/);
});
