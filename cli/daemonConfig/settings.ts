/**
 * The daemon's settings from its flags, its environment and its config file: a flag wins, then
 * the environment (BERTH_*), then the file, then the default; and where each one came from, for
 * `berth info`. Pure.
 */
import type { LogConfig, LogDriver } from '../../events/hostConfig.js';
import { logOptionPairs, parseLogConfig, parseLogDriver } from '../../events/logDrivers.js';
import type { SettingSource } from '../../events/requests/system.js';
import { parsePairs } from '../parse.js';
import type { DaemonFile } from './schema.js';

/** The daemon's flags as commander gives them (berthd and `berth daemon` alike). */
export interface DaemonFlags {
  root?: string;
  runRoot?: string;
  nats?: string;
  creds?: string;
  hostId?: string;
  label?: string[];
  logLevel?: string;
  bridge?: string;
  logDriver?: string;
  logOpt?: string[];
  /** false with --no-snapshots; commander's default true counts as not given. */
  snapshots?: boolean;
  retention?: string;
  eventsMaxBytes?: string;
  metricsAddr?: string;
  dockerSocket?: string;
  dockerApiCreds?: string;
  usernsRemap?: string;
  dataInterface?: string;
  hostLost?: string;
  configFile?: string;
}

/** Every setting, under its daemon.json key; undefined: berth's default applies. */
export interface DaemonSettings {
  'data-root'?: string;
  'exec-root'?: string;
  nats?: string;
  creds?: string;
  'host-id'?: string;
  labels: Record<string, string>;
  'log-level'?: string;
  bridge?: string;
  /** The default driver of new containers (json-file when absent). */
  'log-driver'?: LogDriver;
  /** The default driver's options (no driver in it). */
  'log-opts'?: LogConfig;
  snapshots: boolean;
  /** The duration as given (a duration like 168h); the daemon turns it into ms. */
  retention?: string;
  /** The events stream's byte limit as given (a size like 1g); the daemon turns it into bytes. */
  'events-max-bytes'?: string;
  'metrics-addr'?: string;
  'docker-socket'?: string;
  /** A CLI user's creds file: the Docker API socket serves the whole cluster through them (api/scope.ts). */
  'docker-api-creds'?: string;
  /** default, USER or USER:GROUP: containers run in a user namespace mapped to its subordinate ranges. */
  'userns-remap'?: string;
  /** The link overlay networks' VXLAN traffic goes over. */
  'data-interface'?: string;
  /** The lost threshold as given (a duration like 6s); the daemon turns it into ms. */
  'host-lost'?: string;
}

export type SettingKey = keyof DaemonSettings;

export interface MergedSettings {
  settings: DaemonSettings;
  sources: Record<SettingKey, SettingSource>;
}

const given = (value: unknown): boolean => value !== undefined && value !== '' && !(Array.isArray(value) && value.length === 0);

/** The first of flag, env and file that is given, with its source. */
function pick<T>(flag: T | undefined, env: T | undefined, file: T | undefined): { value: T | undefined; source: SettingSource } {
  if (given(flag)) return { value: flag, source: 'flag' };
  if (given(env)) return { value: env, source: 'env' };
  if (given(file)) return { value: file, source: 'file' };
  return { value: undefined, source: 'default' };
}

/** The default driver's options, checked against it; undefined when there are none. */
function logOptsOf(pairs: [string, string][] | undefined, driver: LogDriver): LogConfig | undefined {
  if (!pairs?.length) return undefined;
  const { driver: _, ...options } = parseLogConfig(driver, pairs)!;
  return options;
}

/** The env's log level: BERTH_LOG_LEVEL, else BERTH_DEBUG (any value but empty or 0) as debug. */
function envLogLevel(env: NodeJS.ProcessEnv): string | undefined {
  if (env.BERTH_LOG_LEVEL) return env.BERTH_LOG_LEVEL;
  return env.BERTH_DEBUG && env.BERTH_DEBUG !== '0' ? 'debug' : undefined;
}

export function mergeSettings(flags: DaemonFlags, env: NodeJS.ProcessEnv, file: DaemonFile): MergedSettings {
  const driverOf = (name: string | undefined) => (name ? parseLogDriver(name) : undefined);
  const logDriver = pick(driverOf(flags.logDriver), undefined, driverOf(file['log-driver']));
  const driver = logDriver.value ?? 'json-file';
  const picks = {
    'data-root': pick(flags.root, env.BERTH_ROOT, file['data-root']),
    'exec-root': pick(flags.runRoot, env.BERTH_RUN_ROOT, file['exec-root']),
    nats: pick(flags.nats, env.BERTH_NATS_URL, file.nats),
    creds: pick(flags.creds, env.BERTH_NATS_CREDS, file.creds),
    'host-id': pick(flags.hostId, env.BERTH_HOST_ID, file['host-id']),
    labels: pick(flags.label, undefined, file.labels),
    'log-level': pick(flags.logLevel, envLogLevel(env), file['log-level']),
    bridge: pick(flags.bridge, env.BERTH_BRIDGE, file.bridge),
    'log-driver': logDriver,
    'log-opts': pick(logOptsOf(flags.logOpt && logOptionPairs(flags.logOpt), driver), undefined, logOptsOf(file['log-opts'] && Object.entries(file['log-opts']), driver)),
    snapshots: pick(flags.snapshots === false ? false : undefined, env.BERTH_SNAPSHOTS === '0' ? false : undefined, file.snapshots),
    retention: pick(flags.retention, env.BERTH_RETENTION, file.retention),
    'events-max-bytes': pick(flags.eventsMaxBytes, env.BERTH_EVENTS_MAX_BYTES, file['events-max-bytes']),
    'metrics-addr': pick(flags.metricsAddr, undefined, file['metrics-addr']),
    'userns-remap': pick(flags.usernsRemap, undefined, file['userns-remap']),
    // '' is a value here: `--docker-socket ''` turns the socket off.
    'data-interface': pick(flags.dataInterface, env.BERTH_DATA_INTERFACE, file['data-interface']),
    'host-lost': pick(flags.hostLost, undefined, file['host-lost']),
    'docker-api-creds': pick(flags.dockerApiCreds, env.BERTH_DOCKER_API_CREDS, file['docker-api-creds']),
    'docker-socket': flags.dockerSocket !== undefined ? { value: flags.dockerSocket, source: 'flag' as const } : pick(undefined, undefined, file['docker-socket']),
  };
  const settings: DaemonSettings = {
    'data-root': picks['data-root'].value,
    'exec-root': picks['exec-root'].value,
    nats: picks.nats.value,
    creds: picks.creds.value,
    'host-id': picks['host-id'].value,
    labels: Object.fromEntries(parsePairs(picks.labels.value ?? [], '--label')),
    'log-level': picks['log-level'].value,
    bridge: picks.bridge.value,
    'log-driver': picks['log-driver'].value,
    'log-opts': picks['log-opts'].value,
    snapshots: picks.snapshots.value ?? true,
    retention: picks.retention.value,
    'events-max-bytes': picks['events-max-bytes'].value,
    'metrics-addr': picks['metrics-addr'].value,
    'userns-remap': picks['userns-remap'].value,
    'docker-socket': picks['docker-socket'].value,
    'docker-api-creds': picks['docker-api-creds'].value,
    'data-interface': picks['data-interface'].value,
    'host-lost': picks['host-lost'].value,
  };
  const sources = Object.fromEntries(Object.entries(picks).map(([key, p]) => [key, p.source])) as Record<SettingKey, SettingSource>;
  return { settings, sources };
}

/** What SIGHUP may change without a restart. */
export const RELOADABLE: readonly SettingKey[] = ['labels', 'log-driver', 'log-opts'];

/** The log config of a container created without its own driver or options: the default driver and its options. */
export function defaultLogConfig(settings: DaemonSettings): LogConfig | undefined {
  const driver = settings['log-driver'];
  if (!driver && !settings['log-opts']) return undefined;
  return { ...settings['log-opts'], ...(driver ? { driver } : {}) };
}

/**
 * What a reload with `next` would change among the settings that only a restart applies: the
 * keys whose value differs (a SIGHUP logs them as not reloaded).
 */
export function notReloadable(current: DaemonSettings, next: DaemonSettings): SettingKey[] {
  return (Object.keys(next) as SettingKey[]).filter((key) => !RELOADABLE.includes(key) && JSON.stringify(current[key]) !== JSON.stringify(next[key]));
}
