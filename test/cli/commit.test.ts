/** commit through the real CLI: the upper dir becomes a layer (whiteouts and opaque dirs), changes, history, errors. */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import t from 'tap';
import { startEngine, until } from '../helpers/engine.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';

gateFile(requiresEngine());

const engine = await startEngine(t);

const lines = (text: string) => text.split('\n').filter(Boolean);
/** The entries of an image's top layer, as stored in the blob store (`tar -t`). */
const topLayer = async (image: string) => {
  const layers: string[] = (await engine.inspect(image)).RootFS.Layers;
  return lines(execFileSync('tar', ['-tf', path.join(engine.root, 'images/blobs/sha256', layers.at(-1)!.slice(7))]).toString());
};

t.test('added, changed and deleted files, a deleted image dir and an opaque dir come out in the new image', async (t) => {
  // A first commit gives the image a dir with two files, so that the second can hide it.
  await engine.ok(['run', '--name', 'base', 'busybox', 'sh', '-c', 'mkdir -p /opt && echo a > /opt/a && echo b > /opt/b']);
  const baseId = (await engine.ok(['commit', 'base', 'withopt'])).trim();
  t.match(baseId, /^sha256:[a-f0-9]{64}$/);
  t.same(await topLayer('withopt'), ['opt/', 'opt/a', 'opt/b']);

  const script = [
    'echo changed >> /etc/passwd', 'rm /etc/group', 'rm -rf /usr/sbin', 'mkdir /newdir', 'echo hi > /newdir/file',
    'rm -rf /opt', 'mkdir /opt', 'echo c > /opt/c',
  ].join(' && ');
  await engine.ok(['run', '--name', 'changer', 'withopt', 'sh', '-c', script]);
  const id = (await engine.ok(['commit', '-m', 'my changes', '-a', 'Jane <jane@example.com>', 'changer', 'changed:v1'])).trim();
  t.match(id, /^sha256:[a-f0-9]{64}$/);

  const layer = await topLayer('changed:v1');
  t.ok(layer.includes('etc/.wh.group'), 'a deleted file is a .wh. entry');
  t.ok(layer.includes('usr/.wh.sbin'), 'a deleted image dir is a .wh. entry');
  t.ok(layer.includes('opt/.wh..wh..opq'), 'a dir made again over one deleted is opaque');
  t.ok(layer.includes('newdir/file') && layer.includes('etc/passwd') && layer.includes('opt/c'));
  t.notOk(layer.some((entry) => entry.startsWith('bin/')), 'nothing the container did not touch');

  const shown = await engine.ok(['run', '--rm', 'changed:v1', 'sh', '-c',
    'tail -n1 /etc/passwd; cat /newdir/file; ls /opt; test -e /etc/group || echo nogroup; test -e /usr/sbin || echo nosbin; test -d /usr/bin && echo usrbin']);
  t.equal(shown, 'changed\nhi\nc\nnogroup\nnosbin\nusrbin\n');
  // The new image's container starts with no changes of its own: exactly those were committed.
  await engine.ok(['create', '--name', 'fresh', 'changed:v1', 'true']);
  t.equal(await engine.ok(['diff', 'fresh']), '');

  const history = await engine.ok(['history', 'changed:v1']);
  t.match(lines(history)[1], /my changes/, 'the message is the newest step\'s comment');
  t.equal(lines(history).length, 4, 'import, the first commit and this one (and the header)');
  const inspected = await engine.inspect('changed:v1');
  t.equal(inspected.Author, 'Jane <jane@example.com>');
  t.same(inspected.Config.Cmd, ['sh', '-c', script], 'the container\'s command, as Docker commits it');
  const events = await engine.ok(['events', '--since', '0', '--until', '0s', '--filter', 'event=commit', '--format', '{{.Type}} {{.Action}} {{.Actor.Attributes.name}}']);
  t.match(events, /image commit changed:v1/);
  await engine.ok(['rm', 'base', 'changer', 'fresh']);
});

t.test('--change CMD, ENV, WORKDIR take effect; a container with nothing changed adds no layer', async (t) => {
  await engine.ok(['create', '--name', 'plain', 'busybox', 'true']);
  await engine.ok(['container', 'commit', '-c', 'ENV GREETING=hello', '-c', 'WORKDIR /tmp', '--change', 'CMD echo $GREETING from $(pwd)', 'plain', 'greeter']);
  t.equal(await engine.ok(['run', '--rm', 'greeter']), 'hello from /tmp\n');
  const image = await engine.inspect('greeter');
  t.same(image.Config.Cmd, ['/bin/sh', '-c', 'echo $GREETING from $(pwd)']);
  t.equal(image.RootFS.Layers.length, (await engine.inspect('busybox')).RootFS.Layers.length, 'no empty layer');
  await engine.ok(['commit', '-c', 'ENTRYPOINT ["echo", "entry"]', 'plain', 'entry']);
  t.equal(await engine.ok(['run', '--rm', 'entry', 'arg']), 'entry arg\n', 'an ENTRYPOINT change drops the inherited CMD');
  await engine.ok(['rm', 'plain']);
});

t.test('--change HEALTHCHECK: the image has the check, and its containers run it', async (t) => {
  await engine.ok(['create', '--name', 'unchecked', 'busybox', 'true']);
  await engine.ok(['commit', '--change', 'HEALTHCHECK --interval=1s --retries=2 CMD test -e /tmp/ready', 'unchecked', 'checked']);
  t.same((await engine.inspect('checked')).Config.Healthcheck, { Test: ['CMD-SHELL', 'test -e /tmp/ready'], Interval: 1e9, Retries: 2 });
  await engine.ok(['run', '-d', '--name', 'probed', 'checked', 'sh', '-c', 'touch /tmp/ready && exec sleep 600']);
  await until('the committed check to make it healthy', async () => (await engine.inspect('probed')).State.Health?.Status === 'healthy');
  const bad = await engine.berth(['commit', '--change', 'HEALTHCHECK --interval=soon CMD true', 'unchecked', 'bad']);
  t.equal(bad.code, 125);
  t.match(bad.stderr, /invalid --change "HEALTHCHECK --interval=soon CMD true": invalid value for --interval/);
  await engine.ok(['rm', '-f', 'unchecked', 'probed']);
});

t.test('a running container is committed frozen and runs on', async (t) => {
  const id = (await engine.ok(['run', '-d', 'busybox', 'sh', '-c', 'echo live > /live; sleep 300'])).trim();
  await until('the file is written', async () => (await engine.berth(['exec', id, 'cat', '/live'])).stdout === 'live\n');
  await engine.ok(['commit', '-p', id, 'live']);
  t.equal((await engine.inspect(id)).State.Status, 'running', 'thawed again');
  t.equal(await engine.ok(['run', '--rm', 'live', 'cat', '/live']), 'live\n');
  await engine.ok(['commit', '--pause=false', id, 'live:nopause']);
  await t.rejects(engine.ok(['commit', '--pause', 'maybe', id]), /invalid argument "maybe" for "--pause"/);
  await engine.ok(['rm', '-f', id]);
});

t.test('errors', async (t) => {
  const missing = await engine.berth(['commit', 'nosuch', 'x']);
  t.equal(missing.code, 1, 'Docker\'s exit code');
  t.equal(missing.stderr, 'berth: No such container: nosuch\n');
  await engine.ok(['create', '--name', 'target', 'busybox', 'true']);
  const bad = await engine.berth(['commit', '-c', 'RUN echo', 'target']);
  t.equal(bad.code, 125);
  t.equal(lines(bad.stderr).length, 1, bad.stderr);
  t.match(bad.stderr, /RUN is not a valid change command/);
  const badRef = await engine.berth(['commit', 'target', 'Bad:Ref:x']);
  t.equal(badRef.code, 125);
  await engine.ok(['rm', 'target']);
});
