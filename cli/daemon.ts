#!/usr/bin/env node
/** `berthd`: the daemon's own entry point (the same as `berth daemon`). */
import { Command } from 'commander';
import { BerthError } from '../events/errors.js';
import { runDaemonFromCli } from './commands/daemon.js';
import { addDaemonOptions } from './daemonConfig/flags.js';
import type { DaemonFlags } from './daemonConfig/settings.js';

const program = addDaemonOptions(new Command('berthd')
  .option('--root <dir>', 'data root (BERTH_ROOT, default /var/lib/berth)')
  .option('--run-root <dir>', 'run root (BERTH_RUN_ROOT, default /run/berth)')
  .option('--nats <url>', 'join an external NATS instead of starting one (BERTH_NATS_URL)'))
  .action(async (opts: DaemonFlags) => {
    process.exitCode = await runDaemonFromCli(opts);
  });

async function main(): Promise<void> {
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    // One line, as dockerd ends: a config file it cannot use is exit 1.
    process.stderr.write(`berthd: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = error instanceof BerthError ? error.exitCode : 1;
  }
}

// Not awaited at the top level: the bundle is CommonJS (scripts/bundle.mjs), which has none.
void main();
