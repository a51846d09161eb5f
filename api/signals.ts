/** Docker's `signal` query (KILL, SIGKILL, 9) as the signal name requests carry. Pure. */
import os from 'node:os';
import { ValidationError } from '../events/errors.js';

const SIGNALS = os.constants.signals as Record<string, number>;

export function signalName(input: string): string {
  const text = input.trim().toUpperCase();
  if (/^\d+$/.test(text)) {
    const name = Object.keys(SIGNALS).find((key) => SIGNALS[key] === Number(text));
    if (name) return name;
  } else {
    const name = text.startsWith('SIG') ? text : `SIG${text}`;
    if (SIGNALS[name] !== undefined) return name;
  }
  throw new ValidationError(`Invalid signal: ${input}`);
}
