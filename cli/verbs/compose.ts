/** `berth compose` and its verbs, with Docker Compose v2's flags. */
import type { Command } from 'commander';
import { collect, type Verb } from './verb.js';

export function registerComposeVerbs(program: Command, verb: Verb): void {
  const compose = program.command('compose').enablePositionalOptions().description('Run multi-container applications from a compose file')
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
  compose.command('up').description('Create and start the services\' containers').argument('[services...]')
    .option('-d, --detach', 'run in the background')
    .option('--wait', 'wait until the services are running and healthy (implies -d)')
    .option('--force-recreate', 'recreate the containers even when unchanged')
    .option('--no-recreate', 'never recreate existing containers')
    .option('--remove-orphans', 'remove the containers of services not in the files')
    .option('--scale <SERVICE=N>', 'run N containers of SERVICE (repeatable)', collect, [])
    .option('--build', 'build the images before starting the containers')
    .action(verb('composeUp'));
  compose.command('build').description('Build the services\' images').argument('[services...]')
    .option('--no-cache', 'do not use the build cache')
    .option('-q, --quiet', 'print nothing')
    .action(verb('composeBuild'));
  compose.command('down').description('Stop and remove the containers and networks, and with -v the volumes')
    .option('-v, --volumes', 'remove the named volumes and the containers\' anonymous volumes')
    .option('--remove-orphans', 'remove the containers of services not in the files')
    .option('-t, --timeout <seconds>', 'seconds to wait for a stop before killing')
    .option('--rmi <type>', 'remove the services\' images: local (those built without an image: name) or all')
    .action(verb('composeDown'));
  compose.command('ps').description('List the project\'s containers').argument('[services...]')
    .option('-a, --all', 'stopped containers too')
    .option('-q, --quiet', 'only ids')
    .option('--services', 'only the service names')
    .option('--format <format>', 'table (default) or json')
    .action(verb('composePs'));
  compose.command('logs').description('Show the services\' output').argument('[services...]')
    .option('-f, --follow', 'follow the output')
    .option('-n, --tail <lines>', 'only the last lines of each container')
    .action(verb('composeLogs'));
  for (const [name, what] of [['start', 'Start'], ['stop', 'Stop'], ['restart', 'Restart']] as const) {
    const command = compose.command(name).description(`${what} the services' containers`).argument('[services...]');
    if (name !== 'start') command.option('-t, --timeout <seconds>', 'seconds to wait for a stop before killing');
    command.action(verb(`compose${what}`));
  }
  compose.command('exec').description('Run a command in a service\'s running container').argument('<service>').argument('<command...>')
    .option('-d, --detach', 'run the command in the background')
    .option('-T, --no-TTY', 'no pseudo-terminal')
    .option('--index <n>', 'the container number of the service', '1')
    .option('-e, --env <KEY=VALUE>', 'set a variable (repeatable)', collect, [])
    .option('-w, --workdir <dir>', 'working directory')
    .option('-u, --user <user>', 'run as this user')
    .option('--privileged', 'extended privileges')
    .passThroughOptions()
    .action(verb('composeExec'));
  compose.command('run').description('Run a one-off command in a new container of a service').argument('<service>').argument('[command...]')
    .option('--rm', 'remove the container when it exits')
    .option('-d, --detach', 'run in the background and print its name')
    .option('--no-deps', 'do not start the services it depends on')
    .option('-e, --env <KEY=VALUE>', 'set a variable (repeatable)', collect, [])
    .option('--name <name>', 'the container\'s name')
    .option('-p, --publish <[ip:][host:]port[/proto]>', 'publish a container port on the host (repeatable)', collect, [])
    .option('--service-ports', 'publish the service\'s ports')
    .passThroughOptions()
    .action(verb('composeRun'));
  compose.command('pull').description('Pull the services\' images').argument('[services...]')
    .action(verb('composePull'));
  compose.command('kill').description('Send a signal to the services\' running containers').argument('[services...]')
    .option('-s, --signal <signal>', 'the signal', 'SIGKILL')
    .action(verb('composeKill'));
  compose.command('rm').description('Remove the services\' stopped containers').argument('[services...]')
    .option('-f, --force', 'do not ask')
    .option('-s, --stop', 'stop the containers first')
    .option('-v, --volumes', 'remove their anonymous volumes too')
    .action(verb('composeRm'));
  compose.command('port').description('Print the host address a service\'s port is published on').argument('<service>').argument('<private_port>')
    .option('--index <n>', 'the container number of the service', '1')
    .option('--protocol <protocol>', 'tcp or udp', 'tcp')
    .action(verb('composePort'));
  compose.command('images').description('List the images the project\'s containers run').argument('[services...]')
    .option('-q, --quiet', 'only ids')
    .option('--format <format>', 'table (default) or json')
    .action(verb('composeImages'));
  compose.command('top').description('Show the processes of the services\' running containers').argument('[services...]')
    .action(verb('composeTop'));
  compose.command('ls').description('List the compose projects')
    .option('-a, --all', 'stopped projects too')
    .option('-q, --quiet', 'only names')
    .option('--format <format>', 'table (default) or json')
    .action(verb('composeLs'));
}
