/**
 * Per-principal credentials, as berth-cluster writes them: a host may publish only its own
 * events and subscribe only to its own commands; its creds cannot command another host nor
 * administer the stream or buckets (issue 22: with h1's creds the events stream was updated to
 * capture every command, and h2's events and snapshots were purged); the CLI user may command
 * every host and read events; the operator created the stream and buckets.
 */
import t from 'tap';
import { EVENTS_STREAM, HEARTBEAT_BUCKET, SNAPSHOT_BUCKET } from '../../events/subjects.js';
import { startCluster } from '../helpers/cluster.js';
import { gateFile, requiresCluster } from '../helpers/gates.js';

gateFile(requiresCluster());

t.test('a host\'s credentials are refused for another host; the CLI user\'s are not', async (t) => {
  const cluster = await startCluster(t);
  const refused = async (as: string, operation: 'request' | 'jspublish' | 'subscribe' | 'jsapi', subject: string, what: string, body?: object) => {
    const outcome = await cluster.probe('h1', as, operation, subject, body);
    t.notOk(outcome.ok, what);
    t.match(outcome.error ?? '', /Permissions Violation|permission/i, `${what}: refused by the server's permissions`);
  };
  await refused('h1', 'request', 'berth.cmd.h2.system', 'h1 cannot send a command to h2');
  await refused('h1', 'request', 'berth.cmd.h1.system', 'h1 cannot send commands at all, even to itself');
  await refused('h1', 'jspublish', 'berth.evt.h2.container.x', 'h1 cannot write h2\'s events');
  await refused('h1', 'jspublish', 'berth.evt._cluster.network.x.h2', 'h1 cannot claim an overlay address on h2\'s claim subject');
  await refused('h1', 'subscribe', 'berth.cmd.h2.>', 'h1 cannot overhear h2\'s commands');
  await refused('h1', 'subscribe', '_INBOX.>', 'h1 cannot overhear the CLI\'s replies');
  await refused('admin', 'jspublish', 'berth.evt.h2.container.x', 'the CLI user cannot write events');
  // Administration is the operator's: no update, purge or deletion with a host's creds.
  const streamConfig = { name: EVENTS_STREAM, subjects: ['berth.evt.>', 'berth.cmd.>'], storage: 'file', num_replicas: 3 };
  await refused('h1', 'jsapi', `$JS.API.STREAM.UPDATE.${EVENTS_STREAM}`, 'h1 cannot update the events stream (to capture commands)', streamConfig);
  await refused('h1', 'jsapi', `$JS.API.STREAM.PURGE.${EVENTS_STREAM}`, 'h1 cannot purge h2\'s events', { filter: 'berth.evt.h2.>' });
  await refused('h1', 'jsapi', `$JS.API.STREAM.PURGE.${EVENTS_STREAM}`, 'h1 cannot purge its own events either (a purge grant is per stream)', { filter: 'berth.evt.h1.>' });
  await refused('h1', 'jsapi', `$JS.API.STREAM.PURGE.KV_${SNAPSHOT_BUCKET}`, 'h1 cannot purge h2\'s snapshots', { filter: `$KV.${SNAPSHOT_BUCKET}.h2.>` });
  await refused('h1', 'jsapi', `$JS.API.STREAM.DELETE.KV_${HEARTBEAT_BUCKET}`, 'h1 cannot delete a bucket');
  await refused('h1', 'jsapi', '$JS.API.STREAM.CREATE.CAPTURE', 'h1 cannot create a stream', { name: 'CAPTURE', subjects: ['berth.cmd.>'] });
  await refused('h1', 'jspublish', `$KV.${SNAPSHOT_BUCKET}.h2.container.x`, 'h1 cannot write (or roll up) h2\'s snapshot keys');
  await refused('admin', 'jsapi', `$JS.API.STREAM.UPDATE.${EVENTS_STREAM}`, 'the CLI user cannot update the events stream', streamConfig);
  t.same(await cluster.probe('h1', 'h1', 'jsapi', `$JS.API.STREAM.INFO.${EVENTS_STREAM}`, {}), { ok: true }, 'h1 adopts the stream: it reads its info');
  t.same(await cluster.probe('h1', 'operator', 'jsapi', `$JS.API.STREAM.PURGE.KV_${SNAPSHOT_BUCKET}`, { filter: `$KV.${SNAPSHOT_BUCKET}.nobody.>` }), { ok: true }, 'the operator purges');

  t.same(await cluster.probe('h1', 'admin', 'request', 'berth.cmd.h2.system'), { ok: true }, 'the CLI user commands h2');
  t.same(await cluster.probe('h1', 'admin', 'subscribe', 'berth.evt.>'), { ok: true }, 'the CLI user reads every host\'s events');
  t.same(await cluster.probe('h1', 'h1', 'subscribe', 'berth.cmd.h1.>'), { ok: true }, 'h1 takes its own commands');
  t.same(await cluster.probe('h1', 'h1', 'jspublish', 'berth.evt._cluster.network.x.h1'), { ok: true }, 'h1 claims on its own claim subject (the daemons skip this junk as no event)');
});
