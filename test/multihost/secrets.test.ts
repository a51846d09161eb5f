/**
 * Secrets never travel where other hosts can read them (issue 22): with only h1's credentials,
 * every message of the events stream, the snapshot bucket and the fence bucket is read, h2's
 * among them, and none holds h2's container's `-e` value or its exec's; the CLI user reads
 * them through h2 (inspect, the process's own env). When h2 is lost, its `--restart always`
 * container without secrets is rescheduled and the one with secrets stays lost (its env is
 * sealed to h2's key: docs/MULTIHOST.md).
 */
import t, { type Test } from 'tap';
import { EVENTS_STREAM, FENCE_BUCKET, SNAPSHOT_BUCKET } from '../../events/subjects.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { until } from '../helpers/engine.js';
import { gateFile, requiresCluster } from '../helpers/gates.js';

gateFile(requiresCluster());

const SECRET = 'hunter2-7f3a9c';
const EXEC_SECRET = 'swordfish-0b1d';

async function psRows(cluster: TestCluster, from: string): Promise<string[]> {
  const result = await cluster.berth(from, ['ps', '-a', '--format', '{{.Names}} {{.State}}'], { timeoutMs: 20_000 }).catch(() => null);
  return result?.code === 0 ? result.stdout.trim().split('\n').sort() : [];
}

/** What h1's credentials find in a stream: its messages, those under `prefix`, those holding `needle`. */
async function scan(t: Test, cluster: TestCluster, stream: string, prefix: string, needle: string): Promise<{ matching: number; found: number }> {
  const outcome = await cluster.probe('h1', 'h1', 'scan', stream, { prefix, needle });
  t.ok(outcome.ok, `h1 reads ${stream} (${outcome.error ?? `${outcome.messages} messages`})`);
  return { matching: outcome.matching ?? 0, found: outcome.found ?? 0 };
}

t.test('with h1\'s credentials, h2\'s container env cannot be read; the secret container is not rescheduled', async (t) => {
  const cluster = await startCluster(t, { hostLost: '4s' });
  await cluster.importBusybox(false);
  await cluster.ok('h1', ['--host', 'h2', 'run', '-d', '--name', 'vault', '--restart', 'always', '-e', `SECRET=${SECRET}`, 'busybox', 'sleep', '600']);
  await cluster.ok('h1', ['--host', 'h2', 'run', '-d', '--name', 'web', '--restart', 'always', 'busybox', 'sleep', '600']);
  t.equal((await cluster.ok('h1', ['exec', '-e', `EXTRA=${EXEC_SECRET}`, 'h2/vault', 'sh', '-c', 'echo $SECRET $EXTRA'])).trim(), `${SECRET} ${EXEC_SECRET}`, 'the process gets its env and the exec\'s');
  t.match(await cluster.ok('h1', ['inspect', '--format', '{{json .Config.Env}}', 'h2/vault']), `SECRET=${SECRET}`, 'the CLI user reads it through h2');

  const events = await scan(t, cluster, EVENTS_STREAM, 'berth.evt.h2.container.', SECRET);
  t.ok(events.matching >= 4, `h1 reads h2's container events (${events.matching})`);
  t.equal(events.found, 0, 'none holds the container\'s env value');
  t.equal((await scan(t, cluster, EVENTS_STREAM, 'berth.evt.h2.', EXEC_SECRET)).found, 0, 'nor the exec\'s');
  t.equal((await scan(t, cluster, `KV_${SNAPSHOT_BUCKET}`, `$KV.${SNAPSHOT_BUCKET}.h2.`, SECRET)).found, 0, 'nor any snapshot');

  // h2 is lost: web is rescheduled, vault stays lost.
  await cluster.killDaemon('h2', 'SIGKILL');
  let rows: string[] = [];
  await until('web rescheduled to h1 or h3', async () => {
    rows = await psRows(cluster, 'h1');
    return rows.some((r) => /^h[13]\/web running$/.test(r));
  }, 120_000).catch((error: Error) => { throw new Error(`${error.message}; ps: ${rows.join(' | ')}`); });
  t.ok(rows.includes('h2/vault lost'), `the container with secrets stays lost (${rows.join(' | ')})`);
  t.notOk(rows.some((r) => /^h[13]\/vault/.test(r)), 'and is not started elsewhere');
  t.equal((await scan(t, cluster, `KV_${FENCE_BUCKET}`, `$KV.${FENCE_BUCKET}.h2`, SECRET)).found, 0, 'the fence record carries no secret either');
});
