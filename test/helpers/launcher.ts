/**
 * The CLI as a user starts it: node with the flags of its launcher's `#!` line (scripts/bundle.mjs
 * writes them), so that a test drives the same process a `berth` on the PATH is.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../cli/main.cjs', import.meta.url));

/** A launcher's first line: the environment it sets (env's NAME=VALUE words, unexpanded) and node's flags before `--`. */
export function launcherLine(file: string): { env: Record<string, string>; flags: string[] } {
  const first = fs.readFileSync(file, 'utf8').split('\n', 1)[0];
  const words = first.replace(/^#!\s*\S+\s+-S\s+/, '').split(/\s+/);
  const node = words.indexOf('node');
  const end = words.indexOf('--');
  const assignments = words.slice(0, Math.max(node, 0));
  if (node < 0 || end < node || !assignments.every((word) => /^[A-Z_]+=/.test(word))) throw new Error(`${file}: its first line is not a launcher's: ${first}`);
  const env = Object.fromEntries(assignments.map((word) => [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)]));
  return { env, flags: words.slice(node + 1, end) };
}

/** The node flags between `node` and `--` on a launcher's first line. */
export function launcherFlags(file: string): string[] {
  return launcherLine(file).flags;
}

let argv: string[] | null = null;

/**
 * argv of the CLI run as `berth` runs it: node, the launcher's flags, `--`, the launcher. Read
 * from the launcher once per test process, not at every command.
 */
export function cliArgv(): string[] {
  argv ??= [process.execPath, ...launcherFlags(CLI), '--', CLI];
  return argv;
}
