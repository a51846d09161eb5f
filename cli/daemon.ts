#!/usr/bin/env node
/**
 * `berthd`: the daemon's own program, `main`. Bundled (scripts/bundle.mjs), its launcher
 * (dist/cli/daemon.cjs) runs `main` when started as a program, and exports it to `berth daemon`,
 * which runs the same program in the CLI's process (cli/commands/daemon.ts) so that the CLI's
 * bundle holds none of the daemon.
 */
import { Command } from 'commander';
import { BerthError } from '../events/errors.js';
import { runDaemonFromCli } from './daemonRun.js';
import { addDaemonOptions } from './daemonConfig/flags.js';
import type { DaemonFlags } from './daemonConfig/settings.js';

/** Runs berthd on a command line (`node`, the script, then its flags); resolves with its exit code. */
export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const program = addDaemonOptions(new Command('berthd')
    .option('--root <dir>', 'data root (BERTH_ROOT, default /var/lib/berth)')
    .option('--run-root <dir>', 'run root (BERTH_RUN_ROOT, default /run/berth)')
    .option('--nats <url>', 'join an external NATS instead of starting one (BERTH_NATS_URL)'))
    .action(async (opts: DaemonFlags) => {
      code = await runDaemonFromCli(opts);
    });
  try {
    await program.parseAsync(argv);
  } catch (error) {
    // One line, as dockerd ends: a config file it cannot use is exit 1.
    process.stderr.write(`berthd: ${error instanceof Error ? error.message : String(error)}\n`);
    code = error instanceof BerthError ? error.exitCode : 1;
  }
  return code;
}
