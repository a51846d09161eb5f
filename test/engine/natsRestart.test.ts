/**
 * The daemon starts its embedded nats-server again when it dies: a real SIGKILL of the server,
 * then the same store (the container is still known), the same address and certificate, and a
 * CLI that is answered again without a second daemon being started.
 */
import t from 'tap';
import { layoutFrom } from '../../runtime/layout.js';
import { readNatsInfo } from '../../nats/server/embedded.js';
import { alive, startEngine, until } from '../helpers/engine.js';

t.test('a killed nats-server is started again by the daemon, on the same store', async (t) => {
  const engine = await startEngine(t);
  const layout = layoutFrom({ root: engine.root, runRoot: engine.runRoot });
  const before = (await readNatsInfo(layout))!;
  const id = (await engine.ok(['run', '-d', '--name', 'survivor', 'busybox', 'sleep', '300'])).trim();

  const killedAt = Date.now();
  process.kill(before.pid, 'SIGKILL');
  await until('the nats-server gone', async () => !alive(before.pid));
  await until('a new nats-server', async () => {
    const now = await readNatsInfo(layout);
    return now !== null && now.pid !== before.pid && alive(now.pid);
  });
  t.comment(`restarted at ${Date.now() - killedAt} ms`);
  const after = (await readNatsInfo(layout))!;
  t.equal(after.url, before.url, 'on the same address');
  t.equal(after.certificate, before.certificate, 'with the same certificate');

  // The CLI is answered by the same daemon again (BERTH_NO_AUTOSTART: no other could answer).
  await until('the CLI answered', async () => (await engine.berth(['ps', '-q', '--no-trunc'])).code === 0, 60_000);
  t.comment(`answered at ${Date.now() - killedAt} ms`);
  t.match(await engine.ok(['ps', '-q', '--no-trunc']), id, 'the container is still known: the same store');
  t.equal((await engine.inspect('survivor')).State.Status, 'running', 'and still running');
  t.equal((await engine.daemonInfo())?.pid, engine.daemon!.pid, 'the same daemon serves');
  const stopped = await engine.berth(['stop', '-t', '0', 'survivor']);
  t.equal(stopped.code, 0, `commands work again: ${stopped.stderr}`);
});
