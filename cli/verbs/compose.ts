/** `berth compose` and its verbs, with Docker Compose v2's flags. */
import type { Command } from 'commander';
import { collect, type Verb } from './verb.js';

export function registerComposeVerbs(program: Command, verb: Verb): void {
  const compose = program.command('compose').description('Run multi-container applications from a compose file')
    .option('-f, --file <file>', 'a compose file (repeatable; merged in order)', collect, [])
    .option('-p, --project-name <name>', 'the project\'s name')
    .option('--project-directory <dir>', 'the project\'s directory (default: the first file\'s)')
    .option('--env-file <file>', 'an environment file instead of .env (repeatable)', collect, [])
    .option('--profile <profile>', 'a profile to enable (repeatable)', collect, []);
  compose.command('config').description('Print the normalised compose model')
    .option('-q, --quiet', 'only validate')
    .option('--services', 'print the service names')
    .option('--volumes', 'print the volume names')
    .action(verb('composeConfig'));
}
