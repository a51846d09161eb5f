/** pause, unpause, exec, stats and top, as Docker spells them. */
import type { Command } from 'commander';
import { collect, type Verb } from './verb.js';

export function registerRuntimeVerbs(program: Command, verb: Verb): void {
  program.command('pause').description('Freeze every process of containers').argument('<containers...>').action(verb('pause'));
  program.command('unpause').description('Thaw paused containers').argument('<containers...>').action(verb('unpause'));
  program.command('exec').description('Run a command in a running container')
    .argument('<container>')
    .argument('<command...>')
    .passThroughOptions()
    .option('-d, --detach', 'run in the background')
    .option('-i, --interactive', 'keep stdin open and forward it to the command')
    .option('-t, --tty', 'allocate a pseudo-terminal (detach with ctrl-p ctrl-q)')
    .option('--detach-keys <keys>', 'the key sequence that detaches, e.g. ctrl-a,d (default ctrl-p,ctrl-q)')
    .option('-e, --env <KEY=VALUE>', 'set an environment variable (repeatable)', collect, [])
    .option('--env-file <file>', 'read environment variables from a file of KEY=VALUE lines (repeatable)', collect, [])
    .option('-w, --workdir <dir>', 'working directory inside the container')
    .option('-u, --user <user>', 'name|uid[:group|gid]')
    .option('--privileged', 'every capability for this process')
    .action(verb('exec'));
  program.command('stats').description('Show containers\' resource usage').argument('[containers...]')
    .option('--no-stream', 'print one reading and exit')
    .option('--format <format>', 'table (default) or json')
    .action(verb('stats'));
  program.command('top').description('Show the processes of a container').argument('<container>').action(verb('top'));
}
