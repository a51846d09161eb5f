/**
 * The lost rule on real parts: a host whose daemon is killed, or whose link is cut, reads
 * lost on every other host's view (its heartbeat expired from the replicated bucket), its
 * containers show as lost in `ps`, and it reads ready again once it is back.
 */
import t from 'tap';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { until } from '../helpers/engine.js';
import { gateFile, requiresCluster } from '../helpers/gates.js';

gateFile(requiresCluster());

async function stateOf(cluster: TestCluster, from: string, host: string): Promise<string | undefined> {
  // While JetStream elects new leaders after a cut, a read may time out: that is "not yet".
  const result = await cluster.berth(from, ['host', 'ls', '--format', 'json'], { timeoutMs: 20_000 }).catch(() => null);
  if (result?.code !== 0) return undefined;
  return result.stdout.trim().split('\n').map((l) => JSON.parse(l)).find((h) => h.Host === host)?.State;
}

async function psRows(cluster: TestCluster, from: string): Promise<string[]> {
  return (await cluster.ok(from, ['ps', '--format', '{{.Names}} {{.State}} {{.Status}}'])).trim().split('\n').sort();
}

t.test('a killed daemon and a cut link: lost for every observer, containers lost, then back', async (t) => {
  const cluster = await startCluster(t, { hostLost: '4s' });
  await cluster.importBusybox(false);
  await cluster.ok('h1', ['run', '-d', '--name', 'keep', '--constraint', 'host=h3', 'busybox', 'sleep', '600']);
  await cluster.ok('h1', ['run', '-d', '--name', 'other', '--constraint', 'host=h1', 'busybox', 'sleep', '600']);

  await cluster.killDaemon('h3', 'SIGKILL');
  for (const from of ['h1', 'h2']) {
    await until(`h3 lost as seen from ${from}`, async () => (await stateOf(cluster, from, 'h3')) === 'lost', 30_000);
  }
  t.pass('h3 reads lost from h1 and from h2');
  t.same((await psRows(cluster, 'h2')).map((r) => r.replace(/ Up .*$/, '')), ['h1/other running', 'h3/keep lost Lost (host h3 is lost)'], 'its container shows as lost, not running, not gone');
  await cluster.startDaemon('h3');
  await until('h3 ready again', async () => (await stateOf(cluster, 'h1', 'h3')) === 'ready', 30_000);
  t.same((await psRows(cluster, 'h1')).map((r) => r.replace(/ Up .*$/, '')), ['h1/other running', 'h3/keep running'], 'its container ran on meanwhile and is seen again');

  const pid = cluster.host('h3').daemon!.pid;
  await cluster.setLink('h3', false);
  const cut = performance.now();
  await until('h3 lost once cut off', async () => (await stateOf(cluster, 'h1', 'h3')) === 'lost', 30_000);
  // Reads may time out for a while after the cut, as JetStream elects new stream leaders.
  await until('h3 lost as seen from h2 too', async () => (await stateOf(cluster, 'h2', 'h3')) === 'lost', 60_000);
  t.pass('the other side of the majority agrees');
  const expected = ['h1/other running', 'h3/keep lost Lost (host h3 is lost)'];
  let rows: string[] = [];
  let lastError = '';
  await until('ps from h1 answers', async () => {
    rows = await psRows(cluster, 'h1').then((r) => r.map((row) => row.replace(/ Up .*$/, '')), (error: Error) => { lastError = error.message; return []; });
    return rows.length > 0;
  }, 90_000).catch((error: Error) => { throw new Error(`${error.message}; last: ${lastError}`); });
  t.same(rows, expected, 'the cut-off host\'s container shows as lost');
  // BERTH_CUT_HOLD_MS keeps the link cut longer, to measure healing after a long cut.
  await new Promise((resolve) => setTimeout(resolve, Number(process.env.BERTH_CUT_HOLD_MS ?? 0)));
  t.comment(`the link was cut for ${Math.round((performance.now() - cut) / 1000)} s`);
  await cluster.setLink('h3', true);
  const healing = performance.now();
  t.comment(`link healed at ${new Date().toISOString()}`);
  // Measured 10-26 s here (docs/ARCHITECTURE.md, "Known problems"): the routes come back at
  // once; JetStream then elects the meta and stream leaders again, which the returning node's
  // higher Raft term forces. 60 s is the bound; slower is a failure, not a skip.
  await until('h3 ready once the link is back', async () => (await stateOf(cluster, 'h1', 'h3')) === 'ready', 60_000);
  t.comment(`h3 read ready ${Math.round(performance.now() - healing)} ms after the link healed`);
  t.pass('h3 reads ready again once the link is back');
  t.equal(cluster.host('h3').daemon!.pid, pid, 'the same daemon reconnected by itself');
  await until('h3 answers commands again', async () => (await cluster.berth('h2', ['inspect', '--format', '{{.State.Status}}', 'keep'])).stdout.trim() === 'running', 60_000);
  t.comment(`h3 answered commands ${Math.round(performance.now() - healing)} ms after the link healed`);
  t.pass('the cut-off host answers again and its container still runs');
});
