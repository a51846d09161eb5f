/** The host verbs: the cluster's hosts, their state and capacity, and drain. */
import { Option, type Command } from 'commander';
import type { Verb } from './verb.js';

export function registerHostVerbs(program: Command, verb: Verb): void {
  const host = program.command('host').description('Manage the hosts of a cluster');
  host.command('ls').alias('list').description('List every host with its state (ready, lost, draining) and capacity')
    .option('-q, --quiet', 'only host ids')
    .addOption(new Option('--format <format>', 'table (default) or json'))
    .action(verb('hostLs'));
  host.command('drain').description('Stop placing new containers on a host (recorded; survives restarts)').argument('<host>')
    .action(verb('hostDrain'));
  host.command('activate').description('Place new containers on a drained host again').argument('<host>')
    .action(verb('hostActivate'));
}
