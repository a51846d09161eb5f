#!/usr/bin/env node
/** `berthd`: the daemon's own entry point (the same as `berth daemon`). */
import { Command } from 'commander';
import { runDaemonFromCli } from './commands/daemon.js';
import { collect } from './verbs/verb.js';

const program = new Command('berthd')
  .option('--root <dir>', 'data root (BERTH_ROOT, default /var/lib/berth)')
  .option('--run-root <dir>', 'run root (BERTH_RUN_ROOT, default /run/berth)')
  .option('--nats <url>', 'join an external NATS instead of starting one (BERTH_NATS_URL)')
  .option('--host-id <id>', 'this host\'s id (default: the hostname)')
  .option('--creds <file>', 'credentials for the external NATS (BERTH_NATS_CREDS; berth-cluster writes them)')
  .option('--label <key=value>', 'a label placement constraints match (repeatable)', collect, [])
  .option('--no-snapshots', 'replay the whole log at every start (BERTH_SNAPSHOTS=0)')
  .option('--bridge <name>', 'none: no default bridge network; run without --network gets none (BERTH_BRIDGE)')
  .option('--docker-socket <path>', 'the Docker Engine API socket (default <run root>/docker.sock; \'\' turns it off)')
  .option('--retention <duration>', 'keep the history of removed containers this long (BERTH_RETENTION, default 168h)')
  .option('--log-level <level>', 'error, warn, info (default) or debug (BERTH_LOG_LEVEL; BERTH_DEBUG=1 is debug)')
  .action(async (opts: { root?: string; runRoot?: string; nats?: string; hostId?: string; retention?: string; snapshots?: boolean; creds?: string; label: string[]; logLevel?: string; bridge?: string; dockerSocket?: string }) => {
    process.exitCode = await runDaemonFromCli(opts);
  });
await program.parseAsync(process.argv);
