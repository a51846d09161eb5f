/**
 * A real systemd-journald of a test's own: Debian's binary in a private mount namespace whose
 * /run is a temp dir, so its sockets (DIR/systemd/journal/socket, the varlink socket beside it)
 * and its volatile journal (DIR/log/journal) are files the test and the daemon reach by path,
 * and the host's journal is not touched. A drop-in (DIR/systemd/journald.conf.d, read from /run)
 * keeps it volatile and off the kernel log and the consoles; the audit capabilities are taken
 * from its bounding set, so it cannot turn the host's audit on. Stopped by its pid; the mount
 * namespace goes with it.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { until } from './engine.js';

export const JOURNALD = '/lib/systemd/systemd-journald';

export interface Journald {
  /** The native socket (journald's /run/systemd/journal/socket). */
  socket: string;
  /** The directory of its journal files, for journalctl --directory. */
  directory: string;
  stop(): Promise<void>;
}

/** Where a journald started in `dir` listens and writes, known before it starts. */
export function journaldPaths(dir: string): Pick<Journald, 'socket' | 'directory'> {
  return { socket: path.join(dir, 'systemd', 'journal', 'socket'), directory: path.join(dir, 'log', 'journal') };
}

/** Starts journald with `dir` (an empty temp dir) as its /run; resolves once its socket is there. */
export async function startJournald(dir: string): Promise<Journald> {
  const confDir = path.join(dir, 'systemd', 'journald.conf.d');
  await fs.mkdir(confDir, { recursive: true });
  await fs.writeFile(path.join(confDir, 'test.conf'), '[Journal]\nStorage=volatile\nReadKMsg=no\nForwardToSyslog=no\nForwardToKMsg=no\nForwardToConsole=no\nForwardToWall=no\n');
  // unshare, sh and setpriv each exec the next: the child's pid is journald's.
  const child = spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c',
    'mount --bind "$0" /run && exec setpriv --bounding-set -audit_control,-audit_read "$1"', dir, JOURNALD], { stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const paths = journaldPaths(dir);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  try {
    await until('journald to listen', async () => {
      if (child.exitCode !== null) throw new Error(`journald exited ${child.exitCode}`);
      return existsSync(paths.socket);
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { ...paths, stop };
}
