/**
 * The daemon's one logger: levels (error, warn, info, debug) and fields, one line per event in
 * logfmt, as dockerd writes its own:
 *
 *     time=2026-12-02T19:25:48.123Z level=info msg="ready" host=h1 events=12
 *
 * When systemd's journal is the daemon's stderr (JOURNAL_STREAM is set) the journal stamps the
 * time itself, so a line starts instead with its syslog priority, sd-daemon's convention for
 * stderr (`<3>` error, `<4>` warning, `<6>` info, `<7>` debug):
 *
 *     <6>level=info msg="ready" host=h1 events=12
 *
 * Actors and the runtime take a Logger; none of them reads the environment for it.
 */

export type Level = 'error' | 'warn' | 'info' | 'debug';
export const LEVELS: readonly Level[] = ['error', 'warn', 'info', 'debug'];

/** Key/value pairs of one event; an Error under any key is written as its message, op, path and errno name. */
export type Fields = Record<string, unknown>;

export interface Logger {
  error(message: string, fields?: Fields): void;
  warn(message: string, fields?: Fields): void;
  info(message: string, fields?: Fields): void;
  debug(message: string, fields?: Fields): void;
  /** Whether a line of this level would be written (to skip costly fields). */
  enabled(level: Level): boolean;
  /** A logger that adds these fields to every line. */
  with(fields: Fields): Logger;
}

export interface LoggerOptions {
  /** The most detailed level written (default info). */
  level?: Level;
  /** The journal is the output: no time, a `<N>` priority prefix. */
  journal?: boolean;
  /** Where a whole line (with its newline) goes; default stderr. */
  write?: (line: string) => void;
  /** The time of a line (default now). */
  now?: () => Date;
}

const PRIORITY: Record<Level, number> = { error: 3, warn: 4, info: 6, debug: 7 };

/** A value as logfmt writes it: bare when it is one plain word, else a JSON string. */
function formatValue(value: unknown): string {
  const text = typeof value === 'string' ? value : value instanceof Date ? value.toISOString() : String(value);
  return /^[^\s="\\\x00-\x1f\x7f]+$/.test(text) ? text : JSON.stringify(text);
}

/** An error's fields: its message, and where known the failed operation, path and errno name. */
function errorPairs(key: string, error: Error): Array<[string, unknown]> {
  const { op, syscall, path, code } = error as Error & { op?: string; syscall?: string; path?: string; code?: unknown };
  const pairs: Array<[string, unknown]> = [[key, error.message]];
  if (op ?? syscall) pairs.push(['op', op ?? syscall]);
  if (typeof path === 'string') pairs.push(['path', path]);
  if (typeof code === 'string') pairs.push(['errno', code]);
  return pairs;
}

/** One event as one line (with its newline). */
export function formatLine(level: Level, message: string, fields: Fields, options: { journal: boolean; time: Date }): string {
  const pairs: Array<[string, unknown]> = [['level', level], ['msg', message]];
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (value instanceof Error) pairs.push(...errorPairs(key, value));
    else pairs.push([key, value]);
  }
  const body = pairs.map(([key, value]) => `${key}=${key === 'msg' ? JSON.stringify(String(value)) : formatValue(value)}`).join(' ');
  return options.journal ? `<${PRIORITY[level]}>${body}\n` : `time=${options.time.toISOString()} ${body}\n`;
}

export function createLogger(options: LoggerOptions = {}, bound: Fields = {}): Logger {
  const threshold = LEVELS.indexOf(options.level ?? 'info');
  const write = options.write ?? ((line: string) => { process.stderr.write(line); });
  const now = options.now ?? (() => new Date());
  const enabled = (level: Level) => LEVELS.indexOf(level) <= threshold;
  const emit = (level: Level) => (message: string, fields: Fields = {}) => {
    if (enabled(level)) write(formatLine(level, message, { ...bound, ...fields }, { journal: options.journal ?? false, time: now() }));
  };
  return {
    error: emit('error'),
    warn: emit('warn'),
    info: emit('info'),
    debug: emit('debug'),
    enabled,
    with: (fields) => createLogger(options, { ...bound, ...fields }),
  };
}
