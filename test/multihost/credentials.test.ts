/**
 * Per-principal credentials, as berth-cluster writes them: a host may publish only its own
 * events and subscribe only to its own commands; its creds cannot command another host; the
 * CLI user may command every host and read events.
 */
import t from 'tap';
import { startCluster } from '../helpers/cluster.js';
import { gateFile, requiresCluster } from '../helpers/gates.js';

gateFile(requiresCluster());

t.test('a host\'s credentials are refused for another host; the CLI user\'s are not', async (t) => {
  const cluster = await startCluster(t);
  const refused = async (as: string, operation: 'request' | 'jspublish' | 'subscribe', subject: string, what: string) => {
    const outcome = await cluster.probe('h1', as, operation, subject);
    t.notOk(outcome.ok, what);
    t.match(outcome.error ?? '', /Permissions Violation|permission/i, `${what}: refused by the server's permissions`);
  };
  await refused('h1', 'request', 'berth.cmd.h2.system', 'h1 cannot send a command to h2');
  await refused('h1', 'request', 'berth.cmd.h1.system', 'h1 cannot send commands at all, even to itself');
  await refused('h1', 'jspublish', 'berth.evt.h2.container.x', 'h1 cannot write h2\'s events');
  await refused('h1', 'subscribe', 'berth.cmd.h2.>', 'h1 cannot overhear h2\'s commands');
  await refused('h1', 'subscribe', '_INBOX.>', 'h1 cannot overhear the CLI\'s replies');
  await refused('admin', 'jspublish', 'berth.evt.h2.container.x', 'the CLI user cannot write events');
  t.same(await cluster.probe('h1', 'admin', 'request', 'berth.cmd.h2.system'), { ok: true }, 'the CLI user commands h2');
  t.same(await cluster.probe('h1', 'admin', 'subscribe', 'berth.evt.>'), { ok: true }, 'the CLI user reads every host\'s events');
  t.same(await cluster.probe('h1', 'h1', 'subscribe', 'berth.cmd.h1.>'), { ok: true }, 'h1 takes its own commands');
});
