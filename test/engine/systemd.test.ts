/**
 * berthd under systemd: the unit setup installs passes `systemd-analyze verify` with nothing to
 * say, and a daemon given a NOTIFY_SOCKET (as systemd gives a Type=notify service) sends READY=1
 * for its own pid once it answers. The socket is a unix datagram socket, bound here by python3
 * (Node has no unix datagrams); the daemon is a real berthd.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { startEngine } from '../helpers/engine.js';
import { gateFile, requiresEngine, requiresProgram } from '../helpers/gates.js';
import { waitFor } from '../helpers/waitFor.js';

gateFile(requiresEngine(), requiresProgram('systemd-analyze', 'apt-get install systemd'), requiresProgram('systemd-notify', 'apt-get install systemd'),
  requiresProgram('python3', 'apt-get install python3'), requiresProgram('berthd', 'scripts/setup.sh links it into /usr/local/bin'));

const UNIT = fileURLToPath(new URL('../../../scripts/systemd/berthd.service', import.meta.url));

t.test('systemd-analyze verify has nothing to say about berthd.service', async (t) => {
  const result = spawnSync('systemd-analyze', ['verify', UNIT], { encoding: 'utf8', timeout: 60_000 });
  t.equal(result.status, 0, `systemd-analyze verify exits 0: ${result.stderr}`);
  const aboutUs = `${result.stdout}${result.stderr}`.split('\n').filter((line) => line.includes('berthd'));
  t.same(aboutUs, [], 'no warning about the unit (an unknown key is only a warning)');
  const unit = await fs.readFile(UNIT, 'utf8');
  for (const line of ['Type=notify', 'NotifyAccess=all', 'KillMode=process', 'Delegate=yes', 'ExecStart=/usr/local/bin/berthd']) {
    t.match(unit, new RegExp(`^${line}$`, 'm'), line);
  }
});

t.test('a daemon with a NOTIFY_SOCKET tells it READY=1 for its pid', async (t) => {
  const engine = await startEngine(t, { daemon: false, image: false });
  const socket = path.join(engine.dir, 'notify.sock');
  const receiver = spawn('python3', ['-c', [
    'import socket, sys',
    's = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)',
    's.bind(sys.argv[1])',
    's.settimeout(120)',
    'print(s.recv(4096).decode(), flush=True)',
  ].join('\n'), socket], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => { if (receiver.exitCode === null) receiver.kill(); });
  let received = '';
  receiver.stdout.on('data', (chunk: Buffer) => { received += chunk.toString(); });
  const exited = new Promise((resolve) => receiver.once('exit', resolve));
  await waitFor(() => fs.access(socket).then(() => true), { what: 'the notify socket' });
  engine.env.NOTIFY_SOCKET = socket;
  await engine.startDaemon();
  await exited;
  const fields = received.trim().split('\n');
  t.ok(fields.includes('READY=1'), `READY=1 in ${JSON.stringify(fields)}`);
  t.ok(fields.includes('STATUS=serving host testhost'));
  t.ok(fields.includes(`MAINPID=${engine.daemon!.pid}`), 'for the daemon\'s pid, not the helper\'s');
});
