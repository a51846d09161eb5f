/** Signal names as users write them: KILL, SIGKILL, 9. */
import { constants } from 'node:os';
import { ValidationError } from '../events/errors.js';

const signals = constants.signals as Record<string, number>;

/** Resolves a signal to its canonical name and number; throws ValidationError when unknown. */
export function parseSignal(input: string): { name: string; number: number } {
  const text = input.trim().toUpperCase();
  if (/^\d+$/.test(text)) {
    const number = Number(text);
    const name = Object.keys(signals).find((key) => signals[key] === number);
    if (name) return { name, number };
  } else {
    const name = text.startsWith('SIG') ? text : `SIG${text}`;
    const number = signals[name];
    if (number !== undefined) return { name, number };
  }
  throw new ValidationError(`invalid signal: ${input}`);
}
