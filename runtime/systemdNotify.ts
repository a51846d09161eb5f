/**
 * Readiness for systemd (Type=notify): when the service manager gave the daemon a NOTIFY_SOCKET,
 * `systemd-notify --ready --pid=<daemon>` tells it the daemon answers. sd_notify is a datagram
 * to a unix socket, which Node cannot send without a native module; systemd's own tool can.
 * `--pid` makes the message speak for the daemon's pid (its credentials, as root), so systemd
 * counts it even after the short-lived helper is gone; the unit's NotifyAccess=all covers the
 * case where the kernel refuses those credentials and the helper's own pid is sent.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { SystemError } from '../events/errors.js';

const run = promisify(execFile);

/** Tells the service manager the daemon is ready, with a status line; nothing without NOTIFY_SOCKET. */
export async function notifyReady(status: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  if (!env.NOTIFY_SOCKET) return false;
  try {
    await run('systemd-notify', ['--ready', `--pid=${process.pid}`, `--status=${status}`], { env, timeout: 10_000 });
  } catch (error) {
    throw new SystemError(`telling systemd the daemon is ready failed: ${(error as Error).message}`, { op: 'systemd-notify', path: env.NOTIFY_SOCKET, cause: error });
  }
  return true;
}
