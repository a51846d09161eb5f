/** Shared by the verbs that take several containers: do each, print its name, report failures. */
import { BerthError, ValidationError } from '../../events/errors.js';

export async function eachContainer(refs: string[], act: (ref: string) => Promise<unknown>): Promise<number> {
  let code = 0;
  for (const ref of refs) {
    try {
      await act(ref);
      process.stdout.write(`${ref}\n`);
    } catch (error) {
      process.stderr.write(`berth: ${(error as Error).message}\n`);
      code = error instanceof BerthError ? error.exitCode : 125;
    }
  }
  return code === 0 ? 0 : 1;
}

export function parseNonNegative(text: string, flag: string): number {
  if (!/^\d+$/.test(text)) throw new ValidationError(`invalid value "${text}" for ${flag}: must be a whole number of seconds`);
  return Number(text);
}

/** Shared by the inspect verbs: one JSON array of what was found, one error line for each miss. */
export async function inspectEach(refs: string[], find: (ref: string) => Promise<object>): Promise<number> {
  const found: object[] = [];
  let code = 0;
  for (const ref of refs) {
    try {
      found.push(await find(ref));
    } catch (error) {
      process.stderr.write(`berth: ${(error as Error).message}\n`);
      code = 1;
    }
  }
  process.stdout.write(`${JSON.stringify(found, null, 4)}\n`);
  return code;
}
