/**
 * Live progress lines of push, load, save and commit: drawn on a terminal (a real pty), and
 * nothing of them when the output is not a terminal.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { startEngine, until } from '../helpers/engine.js';
import { chainIds } from '../../runtime/images/digest.js';
import { runInPty } from '../helpers/pty.js';
import { startRegistry } from '../helpers/registry.js';
import { gateFile, requiresEngine, requiresRegistry } from '../helpers/gates.js';

gateFile(requiresEngine(), requiresRegistry());

const engine = await startEngine(t);
const CLI = fileURLToPath(new URL('../../cli/main.cjs', import.meta.url));
const inPty = (args: string[], expect: string) =>
  runInPty([process.execPath, '--', CLI, ...args], engine.env, [{ expect, timeoutMs: 60_000 }], 60_000);
const LIVE = /\x1b\[|Pushing|Pushed|Loading layer|Loaded$|Saving|Saved|Writing layer|Written/m;
const layerId = (digest: string) => digest.slice(7, 19);

t.test('on a terminal: a live line per layer', async (t) => {
  await engine.ok(['run', '--name', 'src', 'busybox', 'sh', '-c', 'echo x > /x']);
  const commit = await inPty(['commit', 'src', 'progress:v1'], 'sha256:[a-f0-9]{64}');
  t.equal(commit.failed, null, commit.transcript);
  t.equal(commit.code, 0, commit.transcript);
  const container = (await engine.inspect('src')).Id as string;
  t.match(commit.transcript, new RegExp(`${container.slice(0, 12)}: Written`), 'the layer of the commit, by container id');
  t.match(commit.transcript, /\x1b\[/, 'drawn with terminal control sequences');
  const layers: string[] = (await engine.inspect('progress:v1')).RootFS.Layers;

  const archive = path.join(engine.dir, 'progress.tar');
  const save = await inPty(['save', '-o', archive, 'progress:v1'], `${layerId(layers[1]!)}: Saved`);
  t.equal(save.failed, null, save.transcript);
  t.match(save.transcript, new RegExp(`${layerId(layers[0]!)}: Saved`), 'each layer');

  await engine.ok(['rmi', 'progress:v1']);
  const chain = chainIds(layers).at(-1)!.slice(7);
  await until('the removed image\'s layer is deleted', async () => !(await fs.stat(path.join(engine.root, 'images/layers', chain)).catch(() => null)));
  const load = await inPty(['load', '-i', archive], 'Loaded image: progress:v1');
  t.equal(load.failed, null, load.transcript);
  t.match(load.transcript, new RegExp(`${layerId(layers[1]!)}: Loaded`), 'the layer the store lacked was loaded');
  t.match(load.transcript, new RegExp(`${layerId(layers[0]!)}: Already exists`), 'the busybox layer was there');

  const registry = await startRegistry(t, path.join(engine.dir, 'reg'));
  const ref = `${registry.host}/progress/img:v1`;
  await engine.ok(['tag', 'progress:v1', ref]);
  const push = await inPty(['push', ref], 'v1: digest: sha256:');
  t.equal(push.failed, null, push.transcript);
  t.equal(new Set(push.transcript.match(/[a-f0-9]{12}: Pushed/g)).size, 2, push.transcript);
  await engine.ok(['rm', 'src']);
});

t.test('not on a terminal: none of it', async (t) => {
  await engine.ok(['create', '--name', 'quiet', 'busybox', 'true']);
  const commit = await engine.berth(['commit', 'quiet', 'quiet:v1']);
  t.equal(commit.code, 0);
  t.match(commit.stdout, /^sha256:[a-f0-9]{64}\n$/);
  t.equal(commit.stderr, '');
  const archive = path.join(engine.dir, 'quiet.tar');
  const save = await engine.berth(['save', '-o', archive, 'quiet:v1']);
  t.same([save.code, save.stdout, save.stderr], [0, '', '']);
  const load = await engine.berth(['load', '-i', archive]);
  t.same([load.code, load.stdout, load.stderr], [0, 'Loaded image: quiet:v1\n', '']);
  const registry = await startRegistry(t, path.join(engine.dir, 'reg2'));
  const ref = `${registry.host}/quiet/img:v1`;
  await engine.ok(['tag', 'quiet:v1', ref]);
  const push = await engine.berth(['push', ref]);
  t.equal(push.code, 0, push.stderr);
  t.notMatch(push.stdout, /\x1b\[|Pushing/);
  t.match(push.stdout, /^[a-f0-9]{12}: Pushed$/m, 'the plain lines as before');
  t.notMatch(`${commit.stderr}${save.stderr}${load.stdout}${load.stderr}`, LIVE);
  await engine.ok(['rm', 'quiet']);
});
