import t from 'tap';
import { cliPermissions, hostPermissions, operatorPermissions } from './permissions.js';

const administration = /^\$JS\.API\.(STREAM\.(CREATE|UPDATE|DELETE|PURGE)|STREAM\.MSG\.DELETE|ACCOUNT)|^\$JS\.API\.>$|^>$/;

t.test('given a host, when its grants are written, then none administers a stream or bucket', async (t) => {
  const host = hostPermissions('h1');
  t.same(host.publish.filter((s) => administration.test(s)), [], 'no create, update, delete or purge');
  t.ok(host.publish.includes('$JS.API.STREAM.INFO.BERTH_EVENTS'), 'it reads the stream\'s info (adopting it)');
  t.ok(host.publish.includes('$KV.berth_snapshots.h1.>'), 'it writes (and rolls up) its own snapshot keys');
  t.notOk(host.publish.some((s) => s.startsWith('$KV.berth_snapshots.') && !s.startsWith('$KV.berth_snapshots.h1.')), 'and no other host\'s');
  t.ok(host.publish.includes('berth.evt._cluster.network.*.h1'), 'it claims overlay addresses on its own claim subjects');
  t.notOk(host.publish.some((s) => s.startsWith('berth.evt._cluster.') && s.split('.').length > 5 && !s.endsWith('.h1')), 'and on no other host\'s');
  t.same(host.subscribe, ['berth.cmd.h1.>', '_INBOX_h1.>'], 'it hears only its own commands and inboxes');
});

t.test('given a CLI user, when its grants are written, then it administers nothing either', async (t) => {
  t.same(cliPermissions().publish.filter((s) => administration.test(s)), []);
});

t.test('given the operator, when its grants are written, then it may do everything', async (t) => {
  t.same(operatorPermissions(), { publish: ['>'], subscribe: ['>'], allowResponses: true });
});
