/** events, daemon and the other system verbs. */
import { Option, type Command } from 'commander';
import { collect, type Verb } from './verb.js';

export function registerSystemVerbs(program: Command, verb: Verb): void {
  program.command('events').description('Show the event history and follow live events')
    .option('--since <time>', 'from this time (RFC 3339, Unix time, or a duration like 10m)')
    .option('--until <time>', 'up to this time; without it, follow live')
    .option('-f, --filter <key=value>', 'type, event, container, image, host, label (repeatable)', collect, [])
    .addOption(new Option('--format <format>', 'plain (default) or json'))
    .action(verb('events'));
  program.command('version').description('Show the client\'s and the daemon\'s versions')
    .addOption(new Option('-f, --format <format>', 'text (default), json, or a Go template like \'{{.Server.Version}}\''))
    .action(verb('version'));
  program.command('daemon').description('Run the berth daemon in the foreground')
    .option('--host-id <id>', 'this host\'s id (default: the hostname)')
    .option('--creds <file>', 'credentials for the external NATS (BERTH_NATS_CREDS)')
    .option('--label <key=value>', 'a label placement constraints match (repeatable)', collect, [])
    .option('--no-snapshots', 'replay the whole log at every start')
    .option('--retention <duration>', 'keep the history of removed containers this long (default 168h)')
    .action(verb('daemon'));
}
