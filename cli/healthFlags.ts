/** The --health-* flags of run, as Docker spells them, into the create spec's health field. Pure. */
import type { CreateSpec } from '../events/requests.js';
import { ValidationError } from '../events/errors.js';
import { parseDuration, parsePositiveInt } from './parse.js';

export interface HealthFlags {
  healthCmd?: string;
  healthInterval?: string;
  healthTimeout?: string;
  healthStartPeriod?: string;
  healthRetries?: string;
  /** commander's name for --no-healthcheck: false when given. */
  healthcheck?: boolean;
}

export function parseHealthFlags(flags: HealthFlags): CreateSpec['health'] {
  const none = flags.healthcheck === false;
  const positive = (text: string | undefined, flag: string) => {
    if (text === undefined) return undefined;
    const ms = parseDuration(text, flag);
    if (ms <= 0) throw new ValidationError(`${flag} must be greater than zero`);
    return ms;
  };
  const health = {
    cmd: flags.healthCmd,
    intervalMs: positive(flags.healthInterval, '--health-interval'),
    timeoutMs: positive(flags.healthTimeout, '--health-timeout'),
    startPeriodMs: flags.healthStartPeriod === undefined ? undefined : parseDuration(flags.healthStartPeriod, '--health-start-period'),
    retries: flags.healthRetries === undefined ? undefined : parsePositiveInt(flags.healthRetries, '--health-retries'),
    none: none || undefined,
  };
  if (none && Object.entries(health).some(([key, value]) => key !== 'none' && value !== undefined)) {
    throw new ValidationError('--no-healthcheck conflicts with --health-* options');
  }
  return Object.values(health).some((value) => value !== undefined) ? health : undefined;
}
