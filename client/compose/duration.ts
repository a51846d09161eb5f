/** A Go duration as Compose writes them (healthcheck intervals, stop_grace_period), in ms, with Compose's error. Pure. */
import { goDurationMs } from '../../events/goDuration.js';
import { ComposeError } from './errors.js';

export function parseGoDuration(text: string, where: string): number {
  const ms = goDurationMs(text);
  if (ms === null) throw new ComposeError(`${where}: invalid duration "${text}"`);
  return Math.round(ms);
}
