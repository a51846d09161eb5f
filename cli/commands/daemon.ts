/** `berth daemon` / `berthd`: run the daemon in the foreground until SIGTERM or SIGINT. */
import { runDaemon } from '../../actors/daemon.js';
import { layoutFrom } from '../../runtime/layout.js';
import type { GlobalOptions } from '../client.js';
import { createLogger } from '../../log/logger.js';
import { loggerSettings, setProcessLogger } from '../../log/settings.js';
import { parsePairs, parseTime } from '../parse.js';

export async function runDaemonFromCli(opts: GlobalOptions & { hostId?: string; retention?: string; snapshots?: boolean; creds?: string; label?: string[]; logLevel?: string; bridge?: string; dockerSocket?: string }): Promise<number> {
  const log = createLogger(loggerSettings(process.env, opts.logLevel));
  setProcessLogger(log);
  const url = opts.nats ?? process.env.BERTH_NATS_URL;
  const retention = opts.retention ?? process.env.BERTH_RETENTION;
  const retentionMs = retention === undefined ? undefined : Date.now() - parseTime(retention, '--retention');
  // Listening from the start: a SIGTERM during start-up stops the daemon once it is up, cleanly,
  // instead of killing it half-way (Node's default for an unhandled SIGTERM).
  const stopAsked = new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  const daemon = await runDaemon({
    layout: layoutFrom(opts),
    hostId: opts.hostId ?? process.env.BERTH_HOST_ID,
    retentionMs,
    snapshots: opts.snapshots !== false && process.env.BERTH_SNAPSHOTS !== '0',
    nats: url ? { url, token: process.env.BERTH_NATS_TOKEN, credsFile: opts.creds ?? process.env.BERTH_NATS_CREDS, caFile: process.env.BERTH_NATS_CA } : undefined,
    labels: Object.fromEntries(parsePairs(opts.label ?? [], '--label')),
    log,
    bridge: opts.bridge ?? process.env.BERTH_BRIDGE,
    dockerSocket: opts.dockerSocket,
  });
  await stopAsked;
  await daemon.stop();
  return 0;
}

export default function daemon(opts: GlobalOptions & { hostId?: string; label?: string[]; logLevel?: string; bridge?: string }, globals: GlobalOptions): Promise<number> {
  return runDaemonFromCli({ ...globals, ...opts });
}
