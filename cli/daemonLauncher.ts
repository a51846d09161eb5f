/**
 * The daemon's launcher (dist/cli/daemon.cjs, written by scripts/bundle.mjs): what the CLI starts
 * in the background, and what `berth daemon` runs in its own process. This module sits beside
 * the launcher in dist/cli/, bundled or not, so the path is the same from both.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const DAEMON_LAUNCHER = fileURLToPath(new URL('./daemon.cjs', import.meta.url));

/** berthd's program from its launcher, without starting it (the launcher starts it only as the main program). */
export function loadDaemonProgram(): { main(argv: string[]): Promise<number> } {
  return createRequire(import.meta.url)(DAEMON_LAUNCHER) as { main(argv: string[]): Promise<number> };
}

/** The CLI's global flags that take a value (cli/program.ts), when given without `=`. */
const VALUED = new Set(['--root', '--run-root', '--nats', '--creds', '-H', '--host']);

/**
 * Pure: berthd's command line for `berth [globals] daemon [flags]`: the words before and after
 * the verb (the first word that is neither a flag nor a flag's value). The daemon takes --root,
 * --run-root, --nats and --creds as its own; it refuses --host in one line.
 */
export function daemonArgv(argv: string[]): string[] {
  const words = argv.slice(2);
  let verb = 0;
  while (verb < words.length && words[verb]!.startsWith('-')) verb += VALUED.has(words[verb]!) ? 2 : 1;
  return [argv[0]!, DAEMON_LAUNCHER, ...words.slice(0, verb), ...words.slice(verb + 1)];
}
