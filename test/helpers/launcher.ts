/**
 * The CLI as a user starts it: node with the flags of its launcher's `#!` line (scripts/bundle.mjs
 * writes them), so that a test drives the same process a `berth` on the PATH is.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../cli/main.cjs', import.meta.url));

/** The node flags between `node` and `--` on a launcher's first line. */
export function launcherFlags(file: string): string[] {
  const first = fs.readFileSync(file, 'utf8').split('\n', 1)[0];
  const words = first.replace(/^#!\s*\S+\s+-S\s+/, '').split(/\s+/);
  const end = words.indexOf('--');
  if (words[0] !== 'node' || end < 0) throw new Error(`${file}: its first line is not a launcher's: ${first}`);
  return words.slice(1, end);
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
