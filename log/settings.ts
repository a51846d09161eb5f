/**
 * Where the logger's settings come from: `--log-level`, else BERTH_LOG_LEVEL, else BERTH_DEBUG
 * (any value but empty or 0: debug, kept for tests and scripts that set it), else info; and
 * JOURNAL_STREAM (systemd's journal is stderr). The process's own logger is made from them once.
 */
import { ValidationError } from '../events/errors.js';
import { createLogger, LEVELS, type Level, type Logger, type LoggerOptions } from './logger.js';

export function parseLevel(text: string, where: string): Level {
  const level = text.toLowerCase() === 'warning' ? 'warn' : text.toLowerCase();
  if (!(LEVELS as readonly string[]).includes(level)) throw new ValidationError(`invalid ${where} "${text}": use ${LEVELS.join(', ')}`);
  return level as Level;
}

/** The logger's options for this environment and the `--log-level` flag, if given. */
export function loggerSettings(env: NodeJS.ProcessEnv, flag?: string): LoggerOptions {
  const level = flag !== undefined ? parseLevel(flag, '--log-level')
    : env.BERTH_LOG_LEVEL ? parseLevel(env.BERTH_LOG_LEVEL, 'BERTH_LOG_LEVEL')
    : env.BERTH_DEBUG && env.BERTH_DEBUG !== '0' ? 'debug'
    : 'info';
  return { level, journal: Boolean(env.JOURNAL_STREAM) };
}

let current: Logger | null = null;

/**
 * The process's logger, for the few free functions that no one hands a logger to (the NATS
 * reads); made from the environment on first use unless the daemon set it from its flag.
 */
export function processLogger(): Logger {
  current ??= createLogger(loggerSettings(process.env));
  return current;
}

/** Makes `logger` the process's logger (the daemon, once it has read --log-level). */
export function setProcessLogger(logger: Logger): void {
  current = logger;
}
