/** The container verbs and their flags, as Docker spells them. */
import { Option, type Command } from 'commander';
import { collect, type Verb } from './verb.js';

export function registerContainerVerbs(program: Command, verb: Verb): void {
  const run = (cmd: Command) => cmd
    .argument('<image>')
    .argument('[command...]')
    .passThroughOptions()
    .option('--rm', 'remove the container when it exits')
    .option('-d, --detach', 'run in the background and print the container id')
    .option('--name <name>', 'name the container')
    .option('-e, --env <KEY=VALUE>', 'set an environment variable (repeatable)', collect, [])
    .option('-w, --workdir <dir>', 'working directory inside the container')
    .option('--hostname <name>', 'container hostname')
    .option('-m, --memory <bytes>', 'memory limit (e.g. 64m)')
    .option('--pids-limit <n>', 'maximum number of processes')
    .option('-l, --label <KEY=VALUE>', 'set a label (repeatable)', collect, []);

  run(program.command('run').description('Create and start a container, and follow it')).action(verb('run'));
  program.command('ps').description('List containers')
    .option('-a, --all', 'show all containers (default shows running)')
    .option('-q, --quiet', 'only ids')
    .option('--no-trunc', 'do not truncate output')
    .addOption(new Option('--format <format>', 'table (default) or json'))
    .action(verb('ps'));
  program.command('logs').description('Show a container\'s output').argument('<container>')
    .option('-f, --follow', 'follow the output').action(verb('logs'));
  program.command('stop').description('Stop containers (SIGTERM, then SIGKILL)').argument('<containers...>')
    .option('-t, --time <seconds>', 'seconds to wait before killing', '10').action(verb('stop'));
  program.command('kill').description('Send a signal to containers').argument('<containers...>')
    .option('-s, --signal <signal>', 'the signal', 'KILL').action(verb('kill'));
  program.command('rm').description('Remove containers').argument('<containers...>')
    .option('-f, --force', 'kill and remove a running container').action(verb('rm'));
  program.command('inspect').description('Show low-level information as JSON').argument('<names...>')
    .option('--type <type>', 'container or image').action(verb('inspect'));
  program.command('wait').description('Wait for containers to stop and print their exit codes').argument('<containers...>')
    .action(verb('wait'));
}
