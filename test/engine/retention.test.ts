/** Retention: the history of removed containers is compacted after the period (once a restarted daemon is ready); the rest stays. */
import t from 'tap';
import { startEngine } from '../helpers/engine.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';
import { waitFor } from '../helpers/waitFor.js';

gateFile(requiresEngine());

t.test('removed containers are compacted after the retention period, once a restarted daemon is ready', async (t) => {
  const engine = await startEngine(t, { daemon: false, image: false });
  engine.env.BERTH_RETENTION = '1h';
  await engine.startDaemon();
  await engine.importBusybox();
  await engine.ok(['run', '--rm', '--name', 'old', 'busybox', 'true']);
  await engine.ok(['run', '-d', '--name', 'kept', 'busybox', 'sleep', '1000']);
  const names = async () => new Set((await engine.ok(['events', '--since', '0', '--until', '0s', '--format', 'json']))
    .trim().split('\n').map((l) => JSON.parse(l).Actor.Attributes.name));
  t.ok((await names()).has('old'), 'within the period, its history is there');
  // The same daemon restarted with a period the removal is older than: it compacts once ready.
  const removedAt = Math.max(...(await engine.ok(['events', '--since', '0', '--until', '0s', '--format', 'json', '--filter', 'container=old']))
    .trim().split('\n').map((l) => JSON.parse(l).timeNano / 1e6));
  await engine.killDaemon('SIGTERM');
  engine.env.BERTH_RETENTION = '1s';
  await waitFor(() => Date.now() > removedAt + 1000, { what: 'the removal to be older than the 1 s period' });
  await engine.startDaemon();
  // The first compaction runs once the daemon is ready, and reads the removed container's
  // retired snapshot, which the start left out.
  const after = await waitFor(async () => { const now = await names(); return now.has('old') ? null : now; }, { what: 'the removed container to be compacted', intervalMs: 100 });
  t.notOk(after.has('old'), 'after it, compacted');
  t.ok(after.has('kept'), 'a container that exists keeps its history');
  t.equal(JSON.parse(await engine.ok(['inspect', 'kept']))[0].State.Status, 'running');
  await engine.ok(['rm', '-f', 'kept']);
});
