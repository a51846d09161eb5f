/** Shared by the verb declarations. */
import { ValidationError } from '../../events/errors.js';

/** Runs a verb's module (cli/commands/<name>.js), loaded only when that verb runs. */
export type Verb = (name: string) => (...args: unknown[]) => Promise<void>;

/** For repeatable flags: -e A -e B. */
export const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** A Docker boolean flag given a value (`--pause=false`); commander passes only what follows the flag. */
export function boolFlag(flag: string): (value: string) => boolean {
  return (value) => {
    if (value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0') return false;
    throw new ValidationError(`invalid argument "${value}" for "${flag}": use ${flag}=true or ${flag}=false`);
  };
}
