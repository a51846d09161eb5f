/**
 * Only the embedded nats-server gets the token. After it dies, an unprivileged process binds
 * its port and passes for it: once plainly, once offering TLS with a certificate of its own.
 * Neither the daemon (its client reconnecting, its supervisor's restart probes) nor the CLI
 * sends it CONNECT or the token, and a SIGTERM to the daemon while NATS is down ends it quickly.
 */
import { readdirSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { layoutFrom } from '../../runtime/layout.js';
import { isEmbeddedServer, readNatsInfo } from '../../nats/server/embedded.js';
import type { Layout } from '../../runtime/layout.js';
import { alive, startEngine, until } from '../helpers/engine.js';
import { startImpostor, type Impostor } from '../helpers/natsImpostor.js';

/** The pids of the nats-servers started with this engine's config. */
function embeddedServers(layout: Layout): number[] {
  return readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).map(Number).filter((pid) => isEmbeddedServer(layout, pid));
}

t.test('an impostor on the dead nats-server\'s port gets no CONNECT and no token', async (t) => {
  const engine = await startEngine(t, { image: false });
  const layout = layoutFrom({ root: engine.root, runRoot: engine.runRoot });
  const info = (await readNatsInfo(layout))!;
  const port = Number(new URL(info.url).port);
  t.equal((await fs.stat(path.join(engine.runRoot, 'nats-key.pem'))).mode & 0o777, 0o600, 'the server\'s key is 0600');
  const daemon = engine.daemon!;
  const daemonPid = daemon.pid!;
  const impostors: Impostor[] = [];
  t.teardown(() => { try { process.kill(daemonPid, 'SIGCONT'); } catch { /* gone */ } });

  for (const kind of ['plain', 'tls'] as const) {
    // Stopped, the daemon cannot start its server again before the impostor binds the port.
    process.kill(daemonPid, 'SIGSTOP');
    await impostors.at(-1)?.stop();
    // Every nats-server of this engine, not only the one nats.json names: one the supervisor
    // spawned just before the SIGSTOP is recorded only once it is up, and it would take the port.
    const servers = embeddedServers(layout);
    for (const pid of servers) process.kill(pid, 'SIGKILL');
    await until('the nats-servers gone', async () => servers.every((pid) => !alive(pid)) && embeddedServers(layout).length === 0);
    const impostor = await startImpostor(t, port, kind);
    impostors.push(impostor);

    const cli = await engine.berth(['ps']);
    t.not(cli.code, 0, `${kind}: the CLI refuses the impostor`);
    t.equal(cli.stderr.trim().split('\n').length, 1, `${kind}: with one line: ${cli.stderr.trim()}`);
    t.ok(impostor.connections >= 1, `${kind}: the CLI did connect to it`);

    process.kill(daemonPid, 'SIGCONT');
    const before = impostor.connections;
    await until(`${kind}: the daemon trying the impostor twice`, async () => impostor.connections >= before + 2, 60_000);
  }

  // NATS is down (the port is held): a SIGTERM still ends the daemon, and cleanly.
  const exited = new Promise<number | null>((resolve) => daemon.once('exit', (code) => resolve(code)));
  process.kill(daemonPid, 'SIGTERM');
  await until('the daemon ended by SIGTERM while NATS is down', async () => !alive(daemonPid), 20_000);
  t.equal(await exited, 0, 'the daemon exits 0');

  for (const [index, impostor] of impostors.entries()) {
    const text = impostor.received.join('');
    t.notMatch(text, /CONNECT/, `impostor ${index + 1}: no CONNECT was sent (${impostor.connections} connections)`);
    t.notOk(text.includes(info.token), `impostor ${index + 1}: the token was never sent`);
  }
});
