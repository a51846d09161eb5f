/** The volume verbs and their flags, as Docker spells them. */
import { Option, type Command } from 'commander';
import { collect, type Verb } from './verb.js';

export function registerVolumeVerbs(program: Command, verb: Verb): void {
  const volume = program.command('volume').description('Manage volumes');
  volume.command('create').description('Create a volume').argument('[name]')
    .option('-l, --label <KEY=VALUE>', 'set a label (repeatable)', collect, [])
    .option('-o, --opt <KEY=VALUE>', 'driver option (repeatable)', collect, [])
    .option('-d, --driver <driver>', 'volume driver (only local)', 'local')
    .action(verb('volumeCreate'));
  volume.command('ls').alias('list').description('List volumes')
    .option('-q, --quiet', 'only names')
    .option('-f, --filter <key=value>', 'dangling, name, label, driver (repeatable)', collect, [])
    .addOption(new Option('--format <format>', 'table (default), json, or a Go template like \'{{.Name}}\''))
    .action(verb('volumeLs'));
  volume.command('inspect').description('Show volumes as JSON').argument('<names...>')
    .action(verb('volumeInspect'));
  volume.command('rm').alias('remove').description('Remove volumes').argument('<names...>')
    .option('-f, --force', 'remove even while containers use it')
    .action(verb('volumeRm'));
  volume.command('prune').description('Remove unused anonymous volumes (all unused with -a)')
    .option('-a, --all', 'all unused volumes, not only anonymous ones')
    .option('-f, --force', 'do not prompt for confirmation')
    .option('--filter <key=value>', 'label=KEY or label=KEY=VALUE (repeatable)', collect, [])
    .action(verb('volumePrune'));
}
