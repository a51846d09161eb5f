/**
 * The API's unix socket: a stale socket file is replaced, one that answers is refused; once
 * listening, the socket is mode 0660, owned by root and by the `berth` group where one exists.
 */
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { ConflictError } from '../events/errors.js';

/** The group allowed on the socket besides root (Docker's `docker` group). */
export const SOCKET_GROUP = 'berth';
export const SOCKET_MODE = 0o660;

/** A group's id from /etc/group; null when there is no such group. */
export async function groupId(name: string, groupFile = '/etc/group'): Promise<number | null> {
  const text = await fs.readFile(groupFile, 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    const [group, , gid] = line.split(':');
    if (group === name && /^\d+$/.test(gid ?? '')) return Number(gid);
  }
  return null;
}

/** Whether something answers on the socket at this path. */
function answers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.connect(socketPath);
    probe.once('connect', () => { probe.destroy(); resolve(true); });
    probe.once('error', () => resolve(false));
  });
}

/** Makes way for a new socket: a stale one is removed, a live one (another daemon's) is a conflict. */
export async function prepareSocketPath(socketPath: string): Promise<void> {
  await fs.mkdir(path.dirname(socketPath), { recursive: true, mode: 0o755 });
  const stat = await fs.lstat(socketPath).catch(() => null);
  if (!stat) return;
  if (!stat.isSocket()) throw new ConflictError(`${socketPath} exists and is not a socket`);
  if (await answers(socketPath)) throw new ConflictError(`${socketPath} is in use by another server`);
  await fs.rm(socketPath, { force: true });
}

/**
 * Root and the `berth` group (where it exists) may connect; no one else. The socket's directory
 * (the run root, 0700) then lets the group pass through to it (0710, group berth) without
 * listing or reading anything there; a directory another group owns is left as it is.
 */
export async function restrictSocket(socketPath: string): Promise<void> {
  await fs.chmod(socketPath, SOCKET_MODE);
  const gid = await groupId(SOCKET_GROUP);
  await fs.chown(socketPath, 0, gid ?? 0);
  if (gid !== null) await letGroupThrough(path.dirname(socketPath), gid);
}

async function letGroupThrough(dir: string, gid: number): Promise<void> {
  const stat = await fs.stat(dir);
  if (stat.uid !== 0 || (stat.gid !== 0 && stat.gid !== gid)) return;
  if (stat.gid !== gid) await fs.chown(dir, 0, gid);
  if (!(stat.mode & 0o010)) await fs.chmod(dir, (stat.mode & 0o7777) | 0o010);
}
