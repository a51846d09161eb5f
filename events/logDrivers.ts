/**
 * The log drivers' options, as Docker names and checks them: `--log-driver`/`--log-opt`,
 * HostConfig.LogConfig {Type, Config} and daemon.json's log-driver/log-opts all read through
 * here, and inspect shows a LogConfig back in Docker's form. Pure.
 */
import { ValidationError } from './errors.js';
import { LOG_DRIVERS, type LogConfig, type LogDriver } from './hostConfig.js';
import { checkLogTag } from './logTag.js';

/** Docker's option names, each with the LogConfig field it sets. */
const FIELDS = {
  'max-size': 'maxSizeBytes',
  'max-file': 'maxFiles',
  labels: 'labels',
  'labels-regex': 'labelsRegex',
  env: 'env',
  'env-regex': 'envRegex',
  compress: 'compress',
  tag: 'tag',
} as const satisfies Record<string, keyof LogConfig>;
type OptionName = keyof typeof FIELDS;

/** The options each driver takes (dockerd's ValidateLogOpt of each). */
const DRIVER_OPTIONS: Record<LogDriver, readonly OptionName[]> = {
  'json-file': ['max-size', 'max-file', 'compress', 'labels', 'labels-regex', 'env', 'env-regex', 'tag'],
  local: ['max-size', 'max-file', 'compress'],
  none: [],
  journald: ['tag', 'labels', 'labels-regex', 'env', 'env-regex'],
};

/** Docker's local driver when its options are absent: 20 MB files, five kept, rotated ones gzipped. */
export const LOCAL_DEFAULTS = { maxSizeBytes: 20_000_000, maxFiles: 5, compress: true } as const;

const DECIMAL: Record<string, number> = { '': 1, k: 1e3, m: 1e6, g: 1e9, t: 1e12, p: 1e15 };

/** Docker's units.FromHumanSize: decimal units (10m is 10,000,000 bytes), an optional i and b. */
export function parseHumanSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?) ?([kmgtp])?i?b?$/i.exec(text);
  if (!match) throw new ValidationError(`invalid size: '${text}'`);
  const bytes = Math.floor(Number(match[1]) * DECIMAL[(match[2] ?? '').toLowerCase()]!);
  if (!Number.isSafeInteger(bytes)) throw new ValidationError(`invalid size: '${text}': too large`);
  return bytes;
}

/** Go's strconv.ParseBool, which Docker reads compress with. */
function parseBool(value: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  throw new ValidationError(`error reading compress log option: strconv.ParseBool: parsing "${value}": invalid syntax`);
}

/** A labels-regex or env-regex that compiles, else Go's "error parsing regexp" line. */
function checkRegex(pattern: string): void {
  try {
    new RegExp(pattern);
  } catch (error) {
    const reason = (error as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
    throw new ValidationError(`error parsing regexp: ${reason}: \`${pattern}\``);
  }
}

/** A driver name as Docker checks it: "logger: no log driver named 'x' is registered". */
export function parseLogDriver(name: string): LogDriver {
  if (!(LOG_DRIVERS as readonly string[]).includes(name)) throw new ValidationError(`logger: no log driver named '${name}' is registered`);
  return name as LogDriver;
}

const unknownOption = (key: string, driver: LogDriver) => new ValidationError(`unknown log opt '${key}' for ${driver} log driver`);

/** One option's value into `config` (checked as Docker checks it). */
function setOption(config: LogConfig, key: OptionName, value: string): void {
  if (key === 'max-size') {
    const bytes = parseHumanSize(value);
    if (bytes <= 0) throw new ValidationError('max-size must be a positive number');
    config.maxSizeBytes = bytes;
  } else if (key === 'max-file') {
    if (!/^-?\d+$/.test(value)) throw new ValidationError(`invalid value "${value}" for max-file: want a number of files`);
    if (Number(value) < 1) throw new ValidationError('max-file cannot be less than 1');
    config.maxFiles = Number(value);
  } else if (key === 'labels' || key === 'env') {
    const names = value.split(',').filter(Boolean);
    if (names.length) config[key] = names;
    else delete config[key];
  } else if (key === 'labels-regex' || key === 'env-regex') {
    checkRegex(value);
    config[FIELDS[key]] = value;
  } else if (key === 'compress') {
    config.compress = parseBool(value);
  } else {
    checkLogTag(value);
    config.tag = value;
  }
}

/**
 * A LogConfig from a driver name and Docker's option map. Without a driver (`--log-opt` alone:
 * the daemon's default driver applies) any option some driver takes is read, and the daemon
 * checks it against the driver when it resolves it (resolveLogConfig); undefined when there
 * is neither a driver nor an option.
 */
export function parseLogConfig(driver: string | undefined, options: Iterable<readonly [string, string]>): LogConfig | undefined {
  const config: LogConfig = {};
  const known = driver === undefined ? undefined : parseLogDriver(driver);
  if (known) config.driver = known;
  for (const [key, value] of options) {
    if (!(key in FIELDS) || (known && !DRIVER_OPTIONS[known].includes(key as OptionName))) throw unknownOption(key, known ?? 'json-file');
    setOption(config, key as OptionName, value);
  }
  return Object.keys(config).length ? config : undefined;
}

/** `--log-opt key=value` entries as pairs: "invalid log opt" for one without a key and '='. */
export function logOptionPairs(entries: readonly string[]): [string, string][] {
  return entries.map((entry) => {
    const eq = entry.indexOf('=');
    if (eq < 1) throw new ValidationError(`invalid log opt "${entry}": use key=value`);
    return [entry.slice(0, eq), entry.slice(eq + 1)];
  });
}

/** The options a config sets, under Docker's names, as inspect's LogConfig.Config shows them. */
export function logOptionsOf(config: LogConfig | undefined): Record<string, string> {
  const options: Record<string, string> = {};
  for (const [key, field] of Object.entries(FIELDS)) {
    const value = config?.[field];
    if (value === undefined) continue;
    options[key] = Array.isArray(value) ? value.join(',') : String(value);
  }
  return options;
}

/** The driver a config stands for (json-file when it names none: events written before drivers). */
export const logDriverOf = (config: LogConfig | undefined): LogDriver => config?.driver ?? 'json-file';

/**
 * A new container's log config, as dockerd's mergeAndVerifyLogConfig makes it: without a
 * driver it takes the daemon's; with the daemon's driver the daemon's options fill those it
 * does not set; then every option must be one its driver takes.
 */
export function resolveLogConfig(own: LogConfig | undefined, daemon: LogConfig | undefined): LogConfig {
  const driver = own?.driver ?? logDriverOf(daemon);
  const config: LogConfig = driver === logDriverOf(daemon) ? { ...daemon, ...own, driver } : { ...own, driver };
  for (const key of Object.keys(logOptionsOf(config)) as OptionName[]) {
    if (!DRIVER_OPTIONS[driver].includes(key)) throw unknownOption(key, driver);
  }
  // json-file's rotation must exist for compress to have anything to do (jsonfilelog.New).
  if (driver === 'json-file' && config.compress && ((config.maxFiles ?? 1) < 2 || config.maxSizeBytes === undefined)) {
    throw new ValidationError('compress cannot be true when max-file is less than 2 or max-size is not set');
  }
  return config;
}

/** Where the shim writes a container's output and how the files rotate. */
export interface LogStorage {
  /** log: ctr.log, which `logs` reads; spool: a bounded file that only feeds the live output (none, journald). */
  file: 'log' | 'spool';
  maxSizeBytes?: number;
  maxFiles?: number;
  /** Rotated files are gzipped (ctr.log.1.gz, ...). */
  compress: boolean;
  /** Each line also goes to journald with Docker's fields. */
  journald: boolean;
}

/** The live output's spool of none and journald: one file, replaced when it passes 1 MB. */
export const SPOOL_MAX_BYTES = 1_000_000;

/** How the config's driver stores the output (the defaults of local applied). */
export function logStorageOf(config: LogConfig | undefined): LogStorage {
  const driver = logDriverOf(config);
  if (driver === 'none' || driver === 'journald') return { file: 'spool', maxSizeBytes: SPOOL_MAX_BYTES, maxFiles: 1, compress: false, journald: driver === 'journald' };
  if (driver === 'json-file') return { file: 'log', maxSizeBytes: config?.maxSizeBytes, maxFiles: config?.maxFiles, compress: config?.compress === true, journald: false };
  const maxFiles = config?.maxFiles ?? LOCAL_DEFAULTS.maxFiles;
  return {
    file: 'log',
    maxSizeBytes: config?.maxSizeBytes ?? LOCAL_DEFAULTS.maxSizeBytes,
    maxFiles,
    // One file kept: nothing is rotated to compress.
    compress: (config?.compress ?? LOCAL_DEFAULTS.compress) && maxFiles > 1,
    journald: false,
  };
}

/** Whether `logs` can read what the driver stored: its files, or journald's journal ("configured logging driver does not support reading" otherwise: none). */
export const logDriverReads = (config: LogConfig | undefined): boolean => logStorageOf(config).file === 'log' || logStorageOf(config).journald;
