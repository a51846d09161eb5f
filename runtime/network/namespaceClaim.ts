/**
 * One daemon manages the networks of a network namespace: berth0 and the `inet berth` table are
 * the namespace's, and a second daemon would replace the first's table with its own. The claim
 * is an abstract unix socket: its name is scoped to the network namespace, and the kernel frees
 * it when the daemon dies, SIGKILL included, so nothing is left to clean up. The holder answers a
 * connection with its pid and data root, which the refused daemon names.
 */
import net from 'node:net';
import { ConflictError } from '../../events/errors.js';

/** The socket's name in the namespace's abstract namespace. */
const CLAIM = '\0berth-networks';

interface Holder {
  pid: number;
  root: string;
}

let held: net.Server | null = null;

function listen(server: net.Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(CLAIM, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Who holds the claim, from its answer; null if it went away meanwhile. */
function askHolder(): Promise<Holder | null> {
  return new Promise((resolve) => {
    let answer = '';
    const socket = net.connect(CLAIM);
    socket.setTimeout(2000, () => socket.destroy());
    socket.on('data', (data: Buffer) => { answer += data.toString(); });
    socket.on('error', () => resolve(null));
    socket.on('close', () => {
      try {
        resolve(JSON.parse(answer) as Holder);
      } catch {
        resolve(null);
      }
    });
  });
}

/** Claims this process's network namespace for the daemon of data root `root` (idempotent); refused while another daemon holds it. */
export async function claimNetworkNamespace(root: string): Promise<void> {
  if (held) return;
  const server = net.createServer((socket) => socket.end(JSON.stringify({ pid: process.pid, root } satisfies Holder)));
  try {
    await listen(server);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    const holder = await askHolder();
    const who = holder ? `pid ${holder.pid}, data root ${holder.root}` : 'pid unknown';
    throw new ConflictError(`another berth daemon (${who}) manages the networks of this network namespace: run this daemon in a network namespace of its own, or with --bridge none and no networks`);
  }
  server.unref();
  held = server;
}
