/** Shared by the verb declarations. */
/** Runs a verb's module (cli/commands/<name>.js), loaded only when that verb runs. */
export type Verb = (name: string) => (...args: unknown[]) => Promise<void>;

/** For repeatable flags: -e A -e B. */
export const collect = (value: string, previous: string[]): string[] => [...previous, value];
