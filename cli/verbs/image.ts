/** The image verbs and their flags. */
import { Option, type Command } from 'commander';
import type { Verb } from './verb.js';

export function registerImageVerbs(program: Command, verb: Verb): void {
  program.command('images').description('List images').option('-q, --quiet', 'only ids')
    .addOption(new Option('--format <format>', 'table (default) or json')).action(verb('images'));
  program.command('import').description('Import a root filesystem tarball as an image')
    .argument('<file>').argument('[reference]').action(verb('import'));
  const image = program.command('image').description('Manage images');
  image.command('import').argument('<file>').argument('[reference]').action(verb('import'));
  image.command('ls').option('-q, --quiet', 'only ids')
    .addOption(new Option('--format <format>', 'table (default) or json')).action(verb('images'));
  program.command('rmi').description('Remove images').argument('<images...>')
    .option('-f, --force', 'remove even when a container uses it').action(verb('rmi'));
}
