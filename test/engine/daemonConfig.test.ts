/**
 * The daemon's config file (--config-file, cli/daemonConfig): a file with an unknown key or a bad
 * value stops berthd before it starts anything, with one line naming the key and exit 1 (as
 * dockerd); flags win over the file and `info` says where each setting came from; SIGHUP applies
 * the new labels and log options and logs what it could not change. A real berthd each time.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { DAEMON, runCaptured, startEngine } from '../helpers/engine.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';
import { waitFor } from '../helpers/waitFor.js';

gateFile(requiresEngine());

t.test('a bad file: one line naming the key, exit 1, nothing started', async (t) => {
  const engine = await startEngine(t, { daemon: false, image: false });
  const config = path.join(engine.dir, 'daemon.json');
  const berthd = (args: string[]) => runCaptured(process.execPath, [DAEMON, '--bridge', 'none', ...args], { env: engine.env, timeoutMs: 30_000, what: 'berthd' });
  const cases: Array<[unknown, RegExp]> = [
    [{ 'host-id': 'h', 'storage-driver': 'overlay2' }, /^berthd: unable to configure the daemon with file \S+daemon\.json: the following directives don't match any configuration option: storage-driver\n$/],
    [{ 'log-level': 'loud' }, /^berthd: unable to configure the daemon with file \S+: invalid value for "log-level": [^\n]+\n$/],
    [{ labels: ['zone'] }, /^berthd: unable to configure the daemon with file \S+: invalid value for "labels\.0": invalid label "zone": use key=value\n$/],
  ];
  for (const [json, line] of cases) {
    await fs.writeFile(config, JSON.stringify(json));
    const result = await berthd(['--config-file', config]);
    t.equal(result.code, 1, `exit 1 for ${JSON.stringify(json)}`);
    t.match(result.stderr, line);
  }
  await fs.writeFile(config, '{"data-root": ');
  const broken = await berthd(['--config-file', config]);
  t.equal(broken.code, 1);
  t.match(broken.stderr, /^berthd: unable to configure the daemon with file \S+: not JSON: [^\n]+\n$/);
  const missing = await berthd(['--config-file', path.join(engine.dir, 'absent.json')]);
  t.equal(missing.code, 1);
  t.match(missing.stderr, /^berthd: unable to configure the daemon with file \S+absent\.json: no such file\n$/);
  t.equal(await fs.access(engine.runRoot).then(() => 'made', () => 'absent'), 'absent', 'no run root made: nothing was started');
  t.equal(await fs.access(engine.root).then(() => 'made', () => 'absent'), 'absent', 'no data root made');
});

t.test('flags win over the file; info says where each setting came from; SIGHUP reloads labels and log options', async (t) => {
  const dir = await fs.mkdtemp('/tmp/berth-test-config-');
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
  const config = path.join(dir, 'daemon.json');
  await fs.writeFile(config, JSON.stringify({ 'host-id': 'fromfile', labels: ['zone=file'], 'log-opts': { 'max-size': '1k' } }));
  const engine = await startEngine(t, { daemonArgs: ['--config-file', config] });
  const info = JSON.parse(await engine.ok(['info', '--format', 'json']));
  t.equal(info.ID, 'testhost', 'the --host-id flag wins over the file\'s host-id');
  t.equal(info.ConfigFile, config);
  t.match(info.SettingSources, { 'host-id': 'flag', labels: 'file', 'log-opts': 'file', 'data-root': 'env', bridge: 'flag', 'metrics-addr': 'default' });
  const text = await engine.ok(['info']);
  t.match(text, `\n Config File: ${config}\n`);
  t.match(text, /\n Settings From: [^\n]*host-id=flag[^\n]*labels=file/);
  const hostLabels = async (): Promise<Record<string, string> | undefined> => JSON.parse((await engine.ok(['host', 'ls', '--format', 'json'])).split('\n')[0]!).Labels;
  t.same(await waitFor(hostLabels, { what: 'the host\'s labels' }), { zone: 'file' }, 'the heartbeat carries the file\'s labels');
  const before = await engine.inspect((await engine.ok(['create', 'busybox', 'true'])).trim());
  t.same(before.HostConfig.LogConfig.Config, { 'max-size': '1000' }, 'a container without --log-opt takes the file\'s log-opts');
  const own = await engine.inspect((await engine.ok(['create', '--log-opt', 'max-file=4', 'busybox', 'true'])).trim());
  t.same(own.HostConfig.LogConfig, { Type: 'json-file', Config: { 'max-size': '1000', 'max-file': '4' } }, 'its own --log-opt wins; the daemon\'s fill the rest (dockerd\'s merge)');

  await fs.writeFile(config, JSON.stringify({ 'host-id': 'fromfile', 'data-root': '/elsewhere', retention: '48h', labels: ['zone=reloaded'], 'log-driver': 'local', 'log-opts': { 'max-file': '2' } }));
  process.kill(engine.daemon!.pid!, 'SIGHUP');
  const log = () => fs.readFile(path.join(engine.dir, 'berthd.log'), 'utf8');
  await waitFor(async () => /msg="reloaded"/.test(await log()), { what: 'the reload' });
  t.match(await log(), /level=warn msg="reload: these settings change only at a restart; kept as they were" settings=retention\n/, 'the retention changed in the file; the data root did not change (BERTH_ROOT wins)');
  t.same(await waitFor(async () => { const labels = await hostLabels(); return labels?.zone === 'reloaded' && labels; }, { what: 'the new labels in the heartbeat' }), { zone: 'reloaded' });
  const after = await engine.inspect((await engine.ok(['create', 'busybox', 'true'])).trim());
  t.same(after.HostConfig.LogConfig, { Type: 'local', Config: { 'max-file': '2' } }, 'new containers take the reloaded log-driver and log-opts');
  t.equal(JSON.parse(await engine.ok(['info', '--format', 'json'])).DockerRootDir, engine.root, 'the environment\'s data root still wins');

  await fs.writeFile(config, '{"labels": "zone=x"}');
  process.kill(engine.daemon!.pid!, 'SIGHUP');
  await waitFor(async () => /msg="reload: the config file is kept as it was"/.test(await log()), { what: 'the refused reload' });
  t.equal((await engine.daemonInfo())?.pid, engine.daemon!.pid, 'a bad file at SIGHUP leaves the daemon running');
  t.same(await hostLabels(), { zone: 'reloaded' });
});
