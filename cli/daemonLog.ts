/**
 * The daemon's log lines carry their time (RFC 3339, as dockerd's do), unless systemd's
 * journal, which stamps every line itself, is the daemon's stderr (JOURNAL_STREAM is set).
 * The daemon writes its log through console.error; this prefixes each line it writes.
 */
import { format } from 'node:util';

export function stampDaemonLog(env: NodeJS.ProcessEnv = process.env): void {
  if (env.JOURNAL_STREAM) return;
  console.error = (...args: unknown[]) => {
    process.stderr.write(`${new Date().toISOString()} ${format(...args)}\n`);
  };
}
