/**
 * Log drivers through a real engine, shim and files. json-file: --log-opt max-size/max-file
 * rotate ctr.log as Docker's json-file driver does, and `berth logs` (with and without -f)
 * reads across the rotated files in order. The daemon's default here is local (--log-driver
 * local with its own options): rotated files gzipped, read back across them. none keeps
 * nothing and `logs` refuses; journald sends Docker's fields to a real systemd-journald this
 * test starts in a mount namespace of its own (BERTH_JOURNAL_SOCKET, BERTH_JOURNAL_DIRECTORY;
 * test/helpers/journald.ts), is refused while none listens there, and `berth logs`, `logs -f`
 * and `docker logs` read it back from the journal.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import t, { type Test } from 'tap';
import { runCaptured, startEngine, until } from '../helpers/engine.js';
import { docker } from '../helpers/docker.js';
import { gateFile, requiresEngine, requiresProgram } from '../helpers/gates.js';
import { journaldPaths, startJournald } from '../helpers/journald.js';

gateFile(requiresEngine(), requiresProgram('journalctl', 'apt-get install systemd'), requiresProgram('setpriv', 'apt-get install util-linux'),
  requiresProgram('docker', 'the docker CLI (docker-ce-cli)'));

const CLI = fileURLToPath(new URL('../../cli/main.cjs', import.meta.url));
const journalDir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-test-journal-'));
t.teardown(() => fs.rm(journalDir, { recursive: true, force: true }));
const journal = journaldPaths(journalDir);
// The daemon inherits them: the socket and journal of this test's journald, started later.
process.env.BERTH_JOURNAL_SOCKET = journal.socket;
process.env.BERTH_JOURNAL_DIRECTORY = journal.directory;
const engine = await startEngine(t, { daemonArgs: ['--log-driver', 'local', '--log-opt', 'max-size=10k', '--log-opt', 'max-file=3'] });
const JSON_FILE = ['--log-driver', 'json-file'];

/** A shell loop printing "line N" plus padding for N in FROM..TO (about 100 bytes a record). */
const writeLines = (from: number | string, to: number | string) =>
  `i=${from}; while [ $i -le ${to} ]; do echo "line $i ................................"; i=$((i+1)); done`;
const logFiles = async (id: string) =>
  (await fs.readdir(path.join(engine.root, 'containers', id))).filter((name) => name.startsWith('ctr.')).sort();
const numbersIn = (text: string) => [...text.matchAll(/^line (\d+) /gm)].map((m) => Number(m[1]));
const contiguous = (numbers: number[]) => numbers.every((n, i) => i === 0 || n === numbers[i - 1] + 1);

t.test('max-size and max-file: ctr.log, .1, .2 each within the size; logs reads them in order', async (t) => {
  const id = (await engine.ok(['run', '-d', ...JSON_FILE, '--log-opt', 'max-size=20k', '--log-opt', 'max-file=3', 'busybox', 'sh', '-c', writeLines(1, 2000)])).trim();
  t.equal((await engine.ok(['wait', id])).trim(), '0');
  t.same(await logFiles(id), ['ctr.log', 'ctr.log.1', 'ctr.log.2'], 'three files, the oldest dropped');
  const dir = path.join(engine.root, 'containers', id);
  for (const name of ['ctr.log', 'ctr.log.1', 'ctr.log.2']) {
    const size = (await fs.stat(path.join(dir, name))).size;
    t.ok(size <= 20_000, `${name} is within max-size (${size})`);
    if (name !== 'ctr.log') t.ok(size > 19_000, `${name} was filled before it rotated (${size})`);
  }
  const text = await engine.ok(['logs', id]);
  const logged = numbersIn(text);
  t.equal(logged.at(-1), 2000, 'ends with the last line');
  t.ok(logged[0] > 1, 'the lines of the dropped files are gone');
  t.ok(contiguous(logged), 'in order, nothing missing between the files');
  let fromFiles = '';
  for (const name of ['ctr.log.2', 'ctr.log.1', 'ctr.log']) {
    for (const line of (await fs.readFile(path.join(dir, name), 'utf8')).split('\n').filter(Boolean)) fromFiles += JSON.parse(line).log;
  }
  t.equal(text, fromFiles, 'exactly the records of the three files, oldest first');
  t.same(numbersIn(await engine.ok(['logs', '--tail', '3', id])), [1998, 1999, 2000], '--tail across files');
  const inspect = await engine.inspect(id);
  t.same(inspect.HostConfig.LogConfig, { Type: 'json-file', Config: { 'max-size': '20000', 'max-file': '3' } });
  await engine.ok(['rm', id]);
});

t.test('max-file=1 keeps one file; no option never rotates', async (t) => {
  const one = (await engine.ok(['run', '-d', ...JSON_FILE, '--log-opt', 'max-size=10k', 'busybox', 'sh', '-c', writeLines(1, 500)])).trim();
  const plain = (await engine.ok(['run', '-d', ...JSON_FILE, 'busybox', 'sh', '-c', writeLines(1, 500)])).trim();
  await engine.ok(['wait', one, plain]);
  t.same(await logFiles(one), ['ctr.log']);
  t.ok((await fs.stat(path.join(engine.root, 'containers', one, 'ctr.log'))).size <= 10_000);
  const kept = numbersIn(await engine.ok(['logs', one]));
  t.equal(kept.at(-1), 500);
  t.ok(kept[0] > 1 && contiguous(kept));
  t.same(await logFiles(plain), ['ctr.log'], 'the default: one file that only grows');
  t.same(numbersIn(await engine.ok(['logs', plain])), Array.from({ length: 500 }, (_, i) => i + 1));
  await engine.ok(['rm', one, plain]);
});

/**
 * A container that writes `batches` batches of `batch` lines, each only once the follower
 * (`logs -f`, started before the first) has seen the last line of the one before: the follower
 * is never more than one batch behind. The test lets each batch go with a file in a directory
 * bound into the container (no CLI call). Returns the container and what the follower printed.
 */
async function followInBatches(t: Test, logArgs: string[], batch: number, batches: number): Promise<{ id: string; out: string }> {
  const gate = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-test-gate-'));
  t.teardown(() => fs.rm(gate, { recursive: true, force: true }));
  const script = `echo ready; for b in $(seq 1 ${batches}); do while [ ! -e /gate/go-$b ]; do sleep 0.05; done; ${writeLines(`$(( (b-1)*${batch}+1 ))`, `$((b*${batch}))`)}; done`;
  const id = (await engine.ok(['run', '-d', '-v', `${gate}:/gate`, ...logArgs, 'busybox', 'sh', '-c', script])).trim();
  const follower = spawn(process.execPath, [CLI, 'logs', '-f', id], { env: engine.env, stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => { if (follower.exitCode === null) follower.kill('SIGKILL'); });
  let out = '';
  follower.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | null>((resolve) => follower.on('close', resolve));
  await until('the follower to see ready', async () => out.includes('ready\n'));
  for (let b = 1; b <= batches; b++) {
    await fs.writeFile(path.join(gate, `go-${b}`), '');
    await until(`batch ${b} to be followed`, async () => out.includes(`line ${b * batch} `));
  }
  t.equal(await exited, 0, 'logs -f ends when the container exits');
  t.same(numbersIn(out), Array.from({ length: batches * batch }, (_, i) => i + 1), 'every line once, in order');
  return { id, out };
}

t.test('logs -f follows across rotations without losing or repeating a line', async (t) => {
  // Each batch (about 30 KB) rotates the 20 KB file at least once; nothing falls off the three
  // files it keeps while the follower is one batch behind.
  const { id } = await followInBatches(t, [...JSON_FILE, '--log-opt', 'max-size=20k', '--log-opt', 'max-file=3'], 300, 4);
  t.ok((await logFiles(id)).includes('ctr.log.2'), 'the log did rotate while followed');
  await engine.ok(['rm', id]);
});

t.test('bad log options fail before anything is created', async (t) => {
  const r = await engine.berth(['run', '--log-opt', 'max-file=0', 'busybox', 'true']);
  t.equal(r.code, 125);
  t.match(r.stderr, /max-file cannot be less than 1/);
  const u = await engine.berth(['run', ...JSON_FILE, '--log-opt', 'path=/x', 'busybox', 'true']);
  t.equal(u.code, 125);
  t.match(u.stderr, /unknown log opt 'path' for json-file log driver/);
  const d = await engine.berth(['run', '--log-driver', 'syslog', 'busybox', 'true']);
  t.equal(d.code, 125);
  t.match(d.stderr, /logger: no log driver named 'syslog' is registered/);
  const l = await engine.berth(['run', '--log-opt', 'labels=a', 'busybox', 'true']);
  t.equal(l.code, 125, 'checked against the daemon\'s default driver');
  t.match(l.stderr, /unknown log opt 'labels' for local log driver/);
});

/** The JSON records of a container's log files, oldest first (gunzipped where gzipped). */
async function recordsOf(id: string, names: string[]): Promise<{ log: string; time: string }[]> {
  const records = [];
  for (const name of names) {
    const raw = await fs.readFile(path.join(engine.root, 'containers', id, name));
    const text = (name.endsWith('.gz') ? zlib.gunzipSync(raw) : raw).toString('utf8');
    for (const line of text.split('\n').filter(Boolean)) records.push(JSON.parse(line) as { log: string; time: string });
  }
  return records;
}

t.test('the daemon\'s default local driver: rotated files gzipped, logs and logs -f read across them', async (t) => {
  t.equal((await engine.ok(['info', '--format', '{{.LoggingDriver}}'])).trim(), 'local', 'info shows the default driver');
  // No log flag: the daemon's local driver with its options. Each batch (about 8 KB of records)
  // rotates the 10 KB file at most once: a follower one rotation behind finds the file it read
  // still plain, or goes on with the current one.
  const { id } = await followInBatches(t, [], 60, 5);
  t.same((await engine.inspect(id)).HostConfig.LogConfig, { Type: 'local', Config: { 'max-size': '10000', 'max-file': '3' } }, 'the daemon\'s driver and options');
  t.same(await logFiles(id), ['ctr.log', 'ctr.log.1.gz', 'ctr.log.2.gz'], 'three files, the rotated ones gzipped');
  const dir = path.join(engine.root, 'containers', id);
  for (const name of ['ctr.log.1.gz', 'ctr.log.2.gz']) {
    const raw = zlib.gunzipSync(await fs.readFile(path.join(dir, name)));
    t.ok(raw.length <= 10_000 && raw.length > 9_000, `${name} holds a full file (${raw.length} bytes)`);
    t.ok((await fs.stat(path.join(dir, name))).size < raw.length / 3, `${name} is compressed`);
  }
  const records = await recordsOf(id, ['ctr.log.2.gz', 'ctr.log.1.gz', 'ctr.log']);
  const text = await engine.ok(['logs', id]);
  t.equal(text, records.map((r) => r.log).join(''), 'exactly the records of the three files, oldest first');
  const logged = numbersIn(text);
  t.equal(logged.at(-1), 300);
  t.ok(logged[0] > 1, `the oldest file was dropped (from line ${logged[0]})`);
  t.ok(contiguous(logged), 'in order, nothing missing between the files');
  t.same(numbersIn(await engine.ok(['logs', '--tail', '3', id])), [298, 299, 300], '--tail across files');
  const cut = records[Math.floor(records.length / 4)]!.time;
  const since = records.filter((r) => Date.parse(r.time) >= Date.parse(cut)).map((r) => r.log).join('');
  t.equal(await engine.ok(['logs', '--since', cut, id]), since, '--since inside a gzipped file');
  await engine.ok(['rm', id]);
});

t.test('json-file\'s compress, labels, env and their regexes: rotated files gzipped, Docker\'s attrs on each record', async (t) => {
  const id = (await engine.ok(['run', '-d', ...JSON_FILE, '--log-opt', 'max-size=2k', '--log-opt', 'max-file=3', '--log-opt', 'compress=true',
    '--log-opt', 'labels=team', '--log-opt', 'labels-regex=^com\\.example\\.', '--log-opt', 'env=REGION', '--log-opt', 'env-regex=^ZONE', '--log-opt', 'tag={{.Name}}', '--name', 'attributed',
    '--label', 'team=core', '--label', 'com.example.tier=web', '--label', 'other=x', '-e', 'REGION=eu', '-e', 'ZONE_A=1', '-e', 'UNSEEN=1',
    'busybox', 'sh', '-c', writeLines(1, 100)])).trim();
  t.equal((await engine.ok(['wait', id])).trim(), '0');
  t.same(await logFiles(id), ['ctr.log', 'ctr.log.1.gz', 'ctr.log.2.gz'], 'rotated files gzipped');
  const records = await recordsOf(id, ['ctr.log.2.gz', 'ctr.log.1.gz', 'ctr.log']) as { log: string; attrs?: Record<string, string> }[];
  const attrs = { REGION: 'eu', ZONE_A: '1', 'com.example.tier': 'web', tag: 'attributed', team: 'core' };
  t.ok(records.every((r) => JSON.stringify(r.attrs) === JSON.stringify(attrs)), 'every record carries the attrs and the tag, keys sorted');
  const text = await engine.ok(['logs', id]);
  t.equal(text, records.map((r) => r.log).join(''), 'logs reads across the gzipped files');
  t.equal(numbersIn(text).at(-1), 100);
  const details = await engine.ok(['logs', '--details', '--tail', '1', id]);
  t.equal(details, 'REGION=eu,ZONE_A=1,com.example.tier=web,team=core line 100 ................................\n', 'logs --details');
  t.same((await engine.inspect(id)).HostConfig.LogConfig.Config, { 'max-size': '2000', 'max-file': '3', labels: 'team', 'labels-regex': '^com\\.example\\.', env: 'REGION', 'env-regex': '^ZONE', compress: 'true', tag: '{{.Name}}' });
  const refused = await engine.berth(['run', ...JSON_FILE, '--log-opt', 'compress=true', 'busybox', 'true']);
  t.equal(refused.code, 125);
  t.equal(refused.stderr, 'berth: compress cannot be true when max-file is less than 2 or max-size is not set\n');
  await engine.ok(['rm', id]);
});

t.test('none: the output is shown live, nothing is kept, logs refuses', async (t) => {
  const run = await engine.berth(['run', '--name', 'quiet', '--log-driver', 'none', 'busybox', 'sh', '-c', 'echo out; echo err >&2']);
  t.equal(run.code, 0);
  t.equal(run.stdout, 'out\n', 'run shows the output as it comes');
  t.equal(run.stderr, 'err\n');
  const inspect = await engine.inspect('quiet');
  t.same(inspect.HostConfig.LogConfig, { Type: 'none', Config: {} });
  const logs = await engine.berth(['logs', 'quiet']);
  t.equal(logs.code, 1, 'Docker\'s exit code');
  t.match(logs.stderr, /configured logging driver does not support reading/);
  t.equal(logs.stdout, '');
  const id = inspect.Id as string;
  await until('the spool to be removed', async () => (await logFiles(id)).length === 0);
  t.same(await logFiles(id), [], 'no log and no spool left');
  await engine.ok(['rm', 'quiet']);
});

t.test('journald: refused without a journal; with one, each line with Docker\'s fields, read back by logs, logs -f and docker logs', async (t) => {
  const refused = await engine.berth(['run', '--log-driver', 'journald', 'busybox', 'true']);
  t.equal(refused.code, 125);
  t.equal(refused.stderr.trim().split('\n').length, 1, 'one line');
  t.match(refused.stderr, /journald is not enabled on this host/);
  const journald = await startJournald(journalDir);
  t.teardown(() => journald.stop());
  const run = await engine.berth(['run', '--name', 'journaled', '--log-driver', 'journald', '--log-opt', 'tag={{.Name}}-{{.ID}}', '--log-opt', 'labels=com.example.team',
    '--label', 'com.example.team=core', 'busybox', 'sh', '-c', 'echo out; echo err >&2; printf partial']);
  t.equal(run.code, 0);
  t.equal(run.stdout, 'out\npartial', 'run shows the output as it comes');
  const inspect = await engine.inspect('journaled');
  const id = inspect.Id as string;
  t.same(inspect.HostConfig.LogConfig, { Type: 'journald', Config: { labels: 'com.example.team', tag: '{{.Name}}-{{.ID}}' } });

  const logs = await engine.berth(['logs', 'journaled']);
  t.same([logs.code, logs.stdout, logs.stderr], [0, 'out\npartial', 'err\n'], 'logs reads the journal: each stream, the partial line without a newline');
  // What journald stored, read by journalctl itself (berth's read above had it synchronize).
  const stored = await runCaptured('journalctl', ['--directory', journal.directory, '-o', 'json', '--all', `CONTAINER_ID_FULL=${id}`], { env: process.env, what: 'journalctl' });
  const entries = stored.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, string>);
  const tag = `journaled-${id.slice(0, 12)}`;
  const fields = { CONTAINER_NAME: 'journaled', CONTAINER_ID: id.slice(0, 12), CONTAINER_ID_FULL: id, CONTAINER_TAG: tag, SYSLOG_IDENTIFIER: tag, IMAGE_NAME: 'busybox', COM_EXAMPLE_TEAM: 'core' };
  const byMessage = Object.fromEntries(entries.map((e) => [e.MESSAGE, e]));
  t.same(Object.keys(byMessage).sort(), ['err', 'out', 'partial']);
  t.match(byMessage.out, { ...fields, PRIORITY: '6' });
  t.match(byMessage.err, { ...fields, PRIORITY: '3' });
  t.match(byMessage.partial, { ...fields, PRIORITY: '6', CONTAINER_PARTIAL_MESSAGE: 'true' });
  t.notOk('CONTAINER_PARTIAL_MESSAGE' in byMessage.out!, 'a whole line is not partial');

  const stamped = await engine.ok(['logs', '-t', 'journaled']);
  const time = /^(\S+) out\n(\S+) partial$/.exec(stamped);
  t.ok(time && [time[1], time[2]].every((stamp) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(stamp!)), `-t: the times journald received them (${stamped})`);
  const before = new Date(Date.parse(time![1]!) - 1000).toISOString();
  t.equal(await engine.ok(['logs', '--since', time![1]!, 'journaled']), 'out\npartial', '--since the first');
  t.equal(await engine.ok(['logs', '--until', before, 'journaled']), '', '--until before the first');
  t.equal(await engine.ok(['logs', '--tail', '1', 'journaled']).then((out) => out === 'partial' || out === ''), true, '--tail 1: the last entry (partial, or err on stderr)');
  const viaDocker = await docker(engine, ['logs', 'journaled']);
  t.same([viaDocker.code, viaDocker.stdout, viaDocker.stderr], [0, 'out\npartial', 'err\n'], 'docker logs through the API');

  // logs -f: each batch only once the follower has the one before; the last line just before the exit.
  const { id: followed } = await followInBatches(t, ['--log-driver', 'journald'], 20, 3);
  t.same(await logFiles(followed), [], 'nothing kept in files');
  await engine.ok(['rm', 'journaled', followed]);
});
