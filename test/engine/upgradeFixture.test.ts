/**
 * Upgrades (docs/OPERATIONS.md): each log under test/fixtures/upgrade/, written by an earlier
 * berth (scripts/upgrade-fixture.mjs), is published into a fresh nats-server; `berth system
 * migrate --dry-run` reports it, and today's daemon starts on it with the same containers,
 * images, volumes and networks, as the Engine API's inspect showed them when the log was
 * written. Then one event of a newer schema makes the dry run and the daemon refuse, in one
 * line, exit 125, with no daemon left half-started. The engine runs in a network namespace
 * (the fixture has a bridge network); the checks go through the API socket, not a CLI each.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import t from 'tap';
import { SCHEMA_VERSION } from '../../events/schema.js';
import { dockerSocket } from '../helpers/docker.js';
import { DAEMON, runCaptured, startEngine, type Engine } from '../helpers/engine.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';
import type { LogFixture } from '../helpers/logFixture.js';
import { NetworkNamespace } from '../helpers/netns.js';

gateFile(requiresEngine());

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/upgrade/', import.meta.url));
const LOADER = fileURLToPath(new URL('../helpers/loadLogFixture.js', import.meta.url));
const files = (await fs.readdir(FIXTURES)).filter((file) => file.endsWith('.json')).sort();

/**
 * The loader (test/helpers/loadLogFixture.ts) in the engine's namespace and roots, once the
 * fixture is published; `newer()` has it append an event of a newer schema.
 */
async function loadInto(t: { teardown(fn: () => unknown): void }, engine: Engine, file: string): Promise<{ newer(): Promise<void> }> {
  const [command, ...prefix] = [...engine.netns!, process.execPath];
  const loader = spawn(command!, [...prefix, LOADER, file], { env: engine.env, stdio: ['pipe', 'pipe', 'inherit'] });
  t.teardown(() => { loader.stdin.end(); });
  const lines = readline.createInterface({ input: loader.stdout })[Symbol.asyncIterator]();
  const next = async (expected: string) => {
    const line = await lines.next();
    if (line.value !== expected) throw new Error(`the fixture loader said ${JSON.stringify(line.value)}, not ${expected} (exit ${loader.exitCode})`);
  };
  await next('loaded');
  return { newer: async () => { loader.stdin.write('newer\n'); await next('published'); } };
}

/** An inspect output with the data dirs of the run that made it replaced, so two runs compare. */
function portable(value: unknown, dir: string): unknown {
  return JSON.parse(JSON.stringify(value).split(dir).join('<dir>'));
}

for (const file of files) {
  t.test(`${file}: today's berth starts on it with everything it held`, async (t) => {
    const fixture = JSON.parse(await fs.readFile(path.join(FIXTURES, file), 'utf8')) as LogFixture;
    const namespace = NetworkNamespace.create(t);
    const engine = await startEngine(t, { daemon: false, image: false, netns: namespace.prefix, daemonArgs: ['--bridge', 'none'] });
    await fs.mkdir(path.join(engine.root, 'secrets'), { recursive: true, mode: 0o700 });
    await fs.writeFile(path.join(engine.root, 'host-id'), `${fixture.host}\n`);
    // An upgrade keeps the data root, and with it the key the log's secrets (-e values) are sealed under.
    await fs.writeFile(path.join(engine.root, 'secrets/host.key'), Buffer.from(fixture.hostKey, 'base64'), { mode: 0o600 });
    const loader = await loadInto(t, engine, path.join(FIXTURES, file));

    const events = fixture.streams.BERTH_EVENTS!.length;
    const report = JSON.parse(await engine.ok(['system', 'migrate', '--dry-run', '--format', 'json']));
    t.same(report.events, { [fixture.writtenBy.schema]: events }, 'the dry run counts every event by version');
    t.same(report.snapshots, { [fixture.writtenBy.schema]: fixture.streams.KV_berth_snapshots!.length - 1 }, 'and every snapshot (the checkpoint aside)');
    t.equal(report.plan.refused, null);
    t.equal(report.plan.upcast, fixture.writtenBy.schema < SCHEMA_VERSION ? report.plan.read : 0);

    await engine.startDaemon();
    const api = new Docker({ socketPath: dockerSocket(engine) });
    const fixtureDir = (fixture.expected.volume!.data as { Mountpoint: string }).Mountpoint.replace(/\/root\/volumes\/data\/_data$/, '');
    const inspectors: Record<string, (name: string) => Promise<unknown>> = {
      container: (name) => api.getContainer(name).inspect(),
      image: (name) => api.getImage(name).inspect(),
      volume: (name) => api.getVolume(name).inspect(),
      network: (name) => api.getNetwork(name).inspect(),
    };
    for (const [kind, inspect] of Object.entries(inspectors)) {
      for (const [name, expected] of Object.entries(fixture.expected[kind]!)) {
        // Every field the old berth's view had keeps its value; a newer view may show more
        // (the IPv6 fields, added after the fixture was written, are empty for these).
        t.has(portable(await inspect(name), engine.dir), portable(expected, fixtureDir), `${kind} ${name} as it was`);
      }
    }
    t.same((await api.listContainers({ all: true })).map((c) => c.Names[0]).sort(), Object.keys(fixture.expected.container!).map((name) => `/${name}`).sort(), 'no container more');
    // The log goes on after the fixture's last event.
    await api.createVolume({ Name: 'after-upgrade' });

    // A newer berth writes one event: the dry run and the daemon both refuse, in one line.
    await engine.killDaemon('SIGTERM');
    await loader.newer();
    const refused = await engine.berth(['system', 'migrate', '--dry-run']);
    t.equal(refused.code, 125);
    t.equal(refused.stderr, `berth: this log was written by a newer berth: 1 events and 0 snapshots in schema version ${SCHEMA_VERSION + 1}; this berth reads versions up to ${SCHEMA_VERSION}, and a start would be refused\n`);
    const [command, ...prefix] = [...engine.netns!, process.execPath];
    const daemon = await runCaptured(command!, [...prefix, DAEMON, '--host-id', fixture.host, '--bridge', 'none'], { env: engine.env, what: 'berthd on a newer log' });
    t.equal(daemon.code, 125, 'the daemon refuses to start');
    t.match(daemon.stderr, new RegExp(`^berthd: the event at seq ${events + 2} on berth\\.evt\\.${fixture.host}\\.volume\\.f{64} was written by a newer berth in schema version ${SCHEMA_VERSION + 1}; this berth reads versions up to ${SCHEMA_VERSION}: upgrade berth to read this log \\(docs/OPERATIONS\\.md, Upgrades\\)\\n$`));
    t.equal(await engine.daemonInfo(), null, 'it never said it was ready');
    await t.rejects(fs.access(path.join(engine.root, 'berthd.lock')), 'and released its lock');
  });
}
