/**
 * The daemon's program (berthd, and `berth daemon` through it): run the daemon in the
 * foreground until SIGTERM or SIGINT. Its settings come from the flags, the environment and the
 * config file (cli/daemonConfig); SIGHUP reads the file again and applies what can change live.
 */
import { runDaemon, type RunningDaemon } from '../actors/daemon.js';
import { Layout, DEFAULT_ROOT, DEFAULT_RUN_ROOT } from '../runtime/layout.js';
import path from 'node:path';
import { createLogger, type Logger } from '../log/logger.js';
import { loggerSettings, setProcessLogger } from '../log/settings.js';
import { parseBytes, parseTime } from './parse.js';
import { parseHostLost } from '../events/hostTimings.js';
import { DaemonConfigError, loadDaemonFile } from './daemonConfig/load.js';
import { resolveRemap } from '../runtime/userns/subordinateIds.js';
import type { UserNamespace } from '../events/userNamespace.js';
import { defaultLogConfig, mergeSettings, notReloadable, RELOADABLE, type DaemonFlags, type MergedSettings } from './daemonConfig/settings.js';

/** What the handlers read of the merged settings (the remap range as resolved at start). */
const hostSettings = (configFile: string | null, merged: MergedSettings, userns: UserNamespace | undefined) => ({ configFile, sources: merged.sources, logConfig: defaultLogConfig(merged.settings), ...(userns ? { userns } : {}) });

/** --userns-remap's ranges from /etc/subuid and /etc/subgid; the daemon refuses to start without them. */
async function remapRange(value: string | undefined): Promise<UserNamespace | undefined> {
  if (value === undefined) return undefined;
  try {
    return await resolveRemap(value);
  } catch (error) {
    throw new DaemonConfigError((error as Error).message, { cause: error });
  }
}

/** SIGHUP: the file again; the labels and log options are applied, the rest is logged as kept. */
async function reload(flags: DaemonFlags, current: MergedSettings, daemon: RunningDaemon, log: Logger, userns: UserNamespace | undefined): Promise<MergedSettings> {
  let loaded;
  try {
    loaded = await loadDaemonFile(flags.configFile);
  } catch (error) {
    log.error('reload: the config file is kept as it was', { error });
    return current;
  }
  let next: MergedSettings;
  try {
    // The file's log-opts may not suit a --log-driver flag's driver.
    next = mergeSettings(flags, process.env, loaded.file);
  } catch (error) {
    log.error('reload: the config file is kept as it was', { error });
    return current;
  }
  const kept = notReloadable(current.settings, next.settings);
  if (kept.length) log.warn('reload: these settings change only at a restart; kept as they were', { settings: kept.join(',') });
  const merged: MergedSettings = {
    settings: { ...current.settings, labels: next.settings.labels, 'log-driver': next.settings['log-driver'], 'log-opts': next.settings['log-opts'] },
    sources: { ...current.sources, ...Object.fromEntries(RELOADABLE.map((key) => [key, next.sources[key]])) },
  };
  daemon.reload({ labels: merged.settings.labels, settings: hostSettings(loaded.path, merged, userns) });
  log.info('reloaded', { file: loaded.path ?? 'none', labels: Object.entries(merged.settings.labels).map(([k, v]) => `${k}=${v}`).join(','), 'log-driver': merged.settings['log-driver'] ?? 'json-file', 'log-opts': JSON.stringify(merged.settings['log-opts'] ?? {}) });
  return merged;
}

export async function runDaemonFromCli(flags: DaemonFlags): Promise<number> {
  const loaded = await loadDaemonFile(flags.configFile);
  let merged = mergeSettings(flags, process.env, loaded.file);
  const { settings } = merged;
  const userns = await remapRange(settings['userns-remap']);
  const log = createLogger(loggerSettings(process.env, settings['log-level']));
  setProcessLogger(log);
  const retentionMs = settings.retention === undefined ? undefined : Date.now() - parseTime(settings.retention, 'retention');
  // Listening from the start: a SIGTERM during start-up stops the daemon once it is up, cleanly,
  // instead of killing it half-way (Node's default for an unhandled SIGTERM); a SIGHUP then is
  // applied once it is up, instead of ending it (Node's default).
  const stopAsked = new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  let daemon: RunningDaemon | null = null;
  let reloading = Promise.resolve();
  let hangups = 0;
  const onHangup = () => {
    hangups++;
    if (daemon) reloading = reloading.then(async () => { merged = await reload(flags, merged, daemon!, log, userns); });
  };
  process.on('SIGHUP', onHangup);
  daemon = await runDaemon({
    layout: new Layout(path.resolve(settings['data-root'] ?? DEFAULT_ROOT), path.resolve(settings['exec-root'] ?? DEFAULT_RUN_ROOT)),
    hostId: settings['host-id'],
    retentionMs,
    eventsMaxBytes: settings['events-max-bytes'] === undefined ? undefined : parseBytes(settings['events-max-bytes'], 'events-max-bytes'),
    snapshots: settings.snapshots,
    nats: settings.nats ? { url: settings.nats, token: process.env.BERTH_NATS_TOKEN, credsFile: settings.creds, caFile: process.env.BERTH_NATS_CA } : undefined,
    labels: settings.labels,
    log,
    bridge: settings.bridge,
    settings: hostSettings(loaded.path, merged, userns),
    metricsAddr: settings['metrics-addr'],
    dockerSocket: settings['docker-socket'],
    dockerApiCreds: settings['docker-api-creds'],
    dataInterface: settings['data-interface'],
    hostLostMs: settings['host-lost'] === undefined ? undefined : parseHostLost(settings['host-lost']),
  });
  if (hangups > 0) onHangup();
  await stopAsked;
  process.off('SIGHUP', onHangup);
  await reloading;
  await daemon.stop();
  return 0;
}
