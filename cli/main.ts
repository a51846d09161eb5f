#!/usr/bin/env -S node --
/**
 * `berth`: the command line. It parses the program (cli/program.ts: commander, as Docker's
 * flags parse) and turns every error into one line and Docker's exit code.
 *
 * The `--` in the shebang ends node's own options: Node 20 otherwise takes a `--env-file` of
 * ours (after the script) as its own and exits when the file is missing.
 */
import { CommanderError } from 'commander';
import { BerthError } from '../events/errors.js';
import { buildProgram } from './program.js';

/**
 * A reader that stops (`run … | head`, `logs … | head`): the command ends quietly, as other
 * tools do, instead of with EPIPE's stack trace (Node ignores SIGPIPE, so the write fails).
 */
function exitQuietlyWhenReaderGone(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') process.exit(0);
    throw error;
  });
}

export async function main(argv: string[]): Promise<void> {
  exitQuietlyWhenReaderGone(process.stdout);
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') {
        process.exitCode = 0;
        return;
      }
      const message = error.message.replace(/^error: /, '');
      process.stderr.write(`berth: ${message}\nSee 'berth --help'.\n`);
      process.exitCode = 125;
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`berth: ${message}\n`);
    process.exitCode = error instanceof BerthError ? error.exitCode : 125;
  }
}

// Not awaited at the top level: the bundle is CommonJS (scripts/bundle.mjs), which has none.
void main(process.argv);
