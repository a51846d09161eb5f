#!/usr/bin/env -S node --
/**
 * `berth`: the command line. It parses the program (cli/program.ts: commander, as Docker's
 * flags parse) and turns every error into one line and Docker's exit code.
 *
 * The `--` in the shebang ends node's own options: Node 20 otherwise takes a `--env-file` of
 * ours (after the script) as its own and exits when the file is missing.
 */
import './zodJitless.js';
import { CommanderError } from 'commander';
import { BerthError } from '../events/errors.js';
import { programFor } from './program.js';

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

/**
 * Node ends a process whose event loop is empty with the exit code set so far, 0 by default,
 * even while a command still awaits something that can no longer come (a connection closed
 * under it). Such an end is a failure whose outcome is unknown, never a success: the long chaos
 * run saw a `run -d` exit 0 with no id that way (issue 23; client/connectionLost.ts ends the
 * known cases properly, this catches any other).
 */
function failIfLeftWaiting(finished: () => boolean): void {
  process.once('beforeExit', () => {
    if (finished()) return;
    process.stderr.write('berth: the command stopped before it finished, with nothing left to wait on (was its connection to NATS lost?); whether it took effect is unknown\n');
    process.exitCode = 125;
  });
}

export async function main(argv: string[]): Promise<void> {
  exitQuietlyWhenReaderGone(process.stdout);
  let finished = false;
  failIfLeftWaiting(() => finished);
  const program = programFor(argv);
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
  } finally {
    finished = true;
  }
}

// Not awaited at the top level: the bundle is CommonJS (scripts/bundle.mjs), which has none.
void main(process.argv);
