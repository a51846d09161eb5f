/** --ulimit name=soft[:hard], as Docker reads it. Pure. */
import { ValidationError } from '../../events/errors.js';

/** RLIMIT_* numbers on Linux (asm-generic/resource.h), by Docker's names. */
export const RLIMITS: Readonly<Record<string, number>> = {
  cpu: 0, fsize: 1, data: 2, stack: 3, core: 4, rss: 5, nproc: 6, nofile: 7, memlock: 8, as: 9,
  locks: 10, sigpending: 11, msgqueue: 12, nice: 13, rtprio: 14, rttime: 15,
};

/** One limit; -1 is unlimited. */
export interface Ulimit {
  name: string;
  soft: number;
  hard: number;
}

function parseValue(text: string, entry: string): number {
  if (text === 'unlimited' || text === '-1') return -1;
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new ValidationError(`invalid ulimit "${entry}": "${text}" is not a number`);
  }
  return Number(text);
}

/** "nofile=1024:2048" -> { name: 'nofile', soft: 1024, hard: 2048 }; without a hard value, hard = soft. */
export function parseUlimit(entry: string): Ulimit {
  const eq = entry.indexOf('=');
  if (eq <= 0) throw new ValidationError(`invalid ulimit "${entry}": use name=soft[:hard]`);
  const name = entry.slice(0, eq).toLowerCase();
  if (RLIMITS[name] === undefined) throw new ValidationError(`invalid ulimit "${entry}": unknown limit "${name}"`);
  const [softText, hardText, extra] = entry.slice(eq + 1).split(':');
  if (extra !== undefined || softText === undefined) throw new ValidationError(`invalid ulimit "${entry}": use name=soft[:hard]`);
  const soft = parseValue(softText, entry);
  const hard = hardText === undefined ? soft : parseValue(hardText, entry);
  if (hard !== -1 && (soft === -1 || soft > hard)) {
    throw new ValidationError(`invalid ulimit "${entry}": the soft limit ${softText} is above the hard limit ${hardText}`);
  }
  return { name, soft, hard };
}

/** Later entries for the same limit replace earlier ones. */
export function parseUlimits(entries: readonly string[]): Ulimit[] {
  const byName = new Map<string, Ulimit>();
  for (const entry of entries) {
    const limit = parseUlimit(entry);
    byName.set(limit.name, limit);
  }
  return [...byName.values()];
}

const INFINITY = '18446744073709551615';

/** The shim's spec line: "RESOURCE SOFT HARD" (unlimited as RLIM_INFINITY). */
export function encodeUlimit(limit: Ulimit): string {
  const value = (n: number) => (n === -1 ? INFINITY : String(n));
  return `${RLIMITS[limit.name]} ${value(limit.soft)} ${value(limit.hard)}`;
}
