/** events, daemon and the other system verbs. */
import { addDaemonOptions } from '../daemonConfig/flags.js';
import { Option, type Command } from 'commander';
import { collect, type Verb } from './verb.js';

const events = (cmd: Command, verb: Verb) => cmd.description('Show the event history and follow live events')
  .option('--since <time>', 'from this time (RFC 3339, Unix time, or a duration like 10m)')
  .option('--until <time>', 'up to this time; without it, follow live')
  .option('-f, --filter <key=value>', 'type, event, container, image, host, label (repeatable)', collect, [])
  .addOption(new Option('--format <format>', 'plain (default) or json'))
  .action(verb('events'));

const info = (cmd: Command, verb: Verb) => cmd.description('Show the engine\'s and the machine\'s information')
  .addOption(new Option('-f, --format <format>', 'text (default), json, or a Go template like \'{{.ServerVersion}}\''))
  .action(verb('info'));

export function registerSystemVerbs(program: Command, verb: Verb): void {
  events(program.command('events'), verb);
  info(program.command('info'), verb);
  const system = program.command('system').description('Manage berth');
  info(system.command('info'), verb);
  events(system.command('events'), verb);
  system.command('df').description('Show disk usage of images, containers and volumes')
    .option('-v, --verbose', 'list each image, container and volume')
    .addOption(new Option('--format <format>', 'table (default), json, or a Go template like \'{{.Type}} {{.Size}}\''))
    .action(verb('systemDf'));
  system.command('prune').description('Remove stopped containers, dangling images and (with --volumes) unused anonymous volumes')
    .option('-a, --all', 'remove every image no container uses, not only dangling ones')
    .option('--volumes', 'prune anonymous volumes no container uses')
    .option('-f, --force', 'do not ask for confirmation')
    .action(verb('systemPrune'));
  system.command('migrate').description('Report what the next daemon start does with this host\'s log (schema versions, upcasts, rebuilt snapshots)')
    .option('--dry-run', 'only report; change nothing')
    .addOption(new Option('--format <format>', 'text (default) or json'))
    .action(verb('systemMigrate'));
  program.command('completion').description('Print the shell completion script')
    .argument('<shell>', 'bash').addHelpText('after', '\nExample:\n  berth completion bash > /etc/bash_completion.d/berth')
    .action(verb('completion'));
  program.command('version').description('Show the client\'s and the daemon\'s versions')
    .addOption(new Option('-f, --format <format>', 'text (default), json, or a Go template like \'{{.Server.Version}}\''))
    .action(verb('version'));
  // The global options are taken after `daemon` too (`berth daemon --root X`, as README and
  // docs/MULTIHOST.md write them); given here, they win over the ones before the verb.
  addDaemonOptions(program.command('daemon').description('Run the berth daemon in the foreground')
    .option('--root <dir>', 'data root (BERTH_ROOT, default /var/lib/berth)')
    .option('--run-root <dir>', 'run root (BERTH_RUN_ROOT, default /run/berth)')
    .option('--nats <url>', 'an external NATS (BERTH_NATS_URL; comma-separated for a cluster)'))
    .action(verb('daemon'));
}
