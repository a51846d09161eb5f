/** --env-file, --label-file and --cidfile on run and create, through the real CLI. */
import fs from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { startEngine } from '../helpers/engine.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';

gateFile(requiresEngine());

const engine = await startEngine(t);
const file = (name: string) => path.join(engine.dir, name);

t.test('--env-file: comments skipped, bare names from the environment, -e overrides', async (t) => {
  await fs.writeFile(file('app.env'), '# settings\nGREETING=hello world\nWHO=file\nFROM_HOST\nNOT_SET\n');
  await fs.writeFile(file('more.env'), 'EXTRA=2\n');
  const out = await engine.berth(['run', '--rm', '--env-file', file('app.env'), '--env-file', file('more.env'), '-e', 'WHO=flag', 'busybox',
    'sh', '-c', 'echo "$GREETING|$WHO|$FROM_HOST|${NOT_SET-unset}|$EXTRA"'], { env: { FROM_HOST: 'host value' } });
  t.equal(out.code, 0, out.stderr);
  t.equal(out.stdout, 'hello world|flag|host value|unset|2\n');
  await engine.ok(['run', '-d', '--name', 'execenv', '-e', 'WHO=container', 'busybox', 'sleep', '1000']);
  t.equal(await engine.ok(['exec', '--env-file', file('more.env'), 'execenv', 'sh', '-c', 'echo "$EXTRA|$WHO"']), '2|container\n', 'exec --env-file adds to the container\'s env');
  await engine.ok(['rm', '-f', 'execenv']);
  const missing = await engine.berth(['run', '--rm', '--env-file', file('nope.env'), 'busybox', 'true']);
  t.equal(missing.code, 125);
  t.match(missing.stderr, /--env-file: cannot read .*nope\.env: no such file/);
  await fs.writeFile(file('bad.env'), 'GOOD=1\nBAD NAME=2\n');
  const bad = await engine.berth(['create', '--env-file', file('bad.env'), 'busybox', 'true']);
  t.equal(bad.code, 125);
  t.match(bad.stderr, /bad\.env:2: variable 'BAD NAME' contains whitespaces/);
});

t.test('--label-file, with -l overriding', async (t) => {
  await fs.writeFile(file('labels'), 'team=berth\ntier=file\nmarker\n');
  const id = (await engine.ok(['create', '--label-file', file('labels'), '-l', 'tier=flag', 'busybox', 'true'])).trim();
  t.same((await engine.inspect(id)).Config.Labels, { team: 'berth', tier: 'flag', marker: '' });
  t.equal(await engine.ok(['ps', '-aq', '--filter', 'label=team=berth', '--no-trunc']), `${id}\n`);
  await engine.ok(['rm', id]);
});

t.test('--cidfile: the id is written; an existing file is refused; a failed create leaves none', async (t) => {
  const cid = file('run.cid');
  const out = await engine.ok(['run', '--cidfile', cid, '--name', 'cided', 'busybox', 'echo', 'ran']);
  t.equal(out, 'ran\n');
  const id = await fs.readFile(cid, 'utf8');
  t.equal(id, (await engine.inspect('cided')).Id, 'the file holds the full id, no newline');
  const again = await engine.berth(['create', '--cidfile', cid, 'busybox', 'true']);
  t.equal(again.code, 125);
  t.match(again.stderr, /container ID file found, make sure the other container isn't running or delete .*run\.cid/);
  t.equal(await fs.readFile(cid, 'utf8'), id, 'the existing file is left as it was');

  const detached = file('detached.cid');
  const started = (await engine.ok(['run', '-d', '--cidfile', detached, 'busybox', 'true'])).trim();
  t.equal(await fs.readFile(detached, 'utf8'), started);

  const failed = file('failed.cid');
  const taken = await engine.berth(['create', '--cidfile', failed, '--name', 'cided', 'busybox', 'true']);
  t.equal(taken.code, 125, 'the name is taken: no container');
  await t.rejects(fs.access(failed), 'so no cid file');
  const notFound = file('notfound.cid');
  const bad = await engine.berth(['run', '--cidfile', notFound, 'busybox', 'no-such-command']);
  t.equal(bad.code, 127);
  t.ok(await fs.readFile(notFound, 'utf8'), 'created but not started: the file stays, as Docker leaves it');
});

t.test('--entrypoint replaces the image\'s ENTRYPOINT (and its CMD); \'\' clears it', async (t) => {
  await engine.ok(['create', '--name', 'entrysrc', 'busybox', 'true']);
  await engine.ok(['commit', '-c', 'ENTRYPOINT ["echo", "from-image"]', '-c', 'CMD ["default"]', 'entrysrc', 'entryimg']);
  // The CMD given after the ENTRYPOINT change stays.
  t.equal(await engine.ok(['run', '--rm', 'entryimg']), 'from-image default\n');
  t.equal(await engine.ok(['run', '--rm', 'entryimg', 'arg']), 'from-image arg\n');
  t.equal(await engine.ok(['run', '--rm', '--entrypoint', '/bin/echo', 'entryimg', 'hi']), 'hi\n');
  t.equal(await engine.ok(['run', '--rm', '--entrypoint', '/bin/echo', 'entryimg']), '\n', 'the image\'s CMD is not used');
  t.equal(await engine.ok(['run', '--rm', '--entrypoint', '', 'entryimg', 'echo', 'cleared']), 'cleared\n');
  const none = await engine.berth(['run', '--rm', '--entrypoint', '', 'entryimg']);
  t.equal(none.code, 125);
  t.match(none.stderr, /No command specified/);
  await engine.ok(['create', '--name', 'entryctr', '--entrypoint', 'sh', 'entryimg', '-c', 'exit 3']);
  const config = (await engine.inspect('entryctr')).Config;
  t.same([config.Entrypoint, config.Cmd], [['sh'], ['-c', 'exit 3']]);
  t.equal((await engine.berth(['start', '-a', 'entryctr'])).code, 3);
  await engine.ok(['rm', 'entrysrc', 'entryctr']);
});
