#!/usr/bin/env node
/**
 * `berth`: the command line. It declares every verb and flag (commander parses them as Docker
 * does), loads only the module of the verb it runs, and turns every error into one line and
 * Docker's exit code.
 */
import { Command, CommanderError, Option } from 'commander';
import { BerthError } from '../events/errors.js';
import type { GlobalOptions } from './client.js';

const collect = (value: string, previous: string[]) => [...previous, value];

/** Runs a verb's module with the global flags merged in, and exits with the code it returns. */
function verb(name: string) {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const globals = command.optsWithGlobals() as GlobalOptions;
    const module = (await import(`./commands/${name}.js`)) as { default: (...a: unknown[]) => Promise<number | void> };
    const code = await module.default(...args.slice(0, -2), command.opts(), globals);
    process.exitCode = code ?? 0;
  };
}

export function buildProgram(): Command {
  const program = new Command('berth')
    .description('An event-sourced container engine')
    .version('0.1.0', '-v, --version')
    .enablePositionalOptions()
    .showSuggestionAfterError(false)
    .exitOverride()
    .configureOutput({ outputError: () => {} })
    .option('--root <dir>', 'data root (BERTH_ROOT, default /var/lib/berth)')
    .option('--run-root <dir>', 'run root (BERTH_RUN_ROOT, default /run/berth)')
    .option('--nats <url>', 'an external NATS (BERTH_NATS_URL)')
    .option('-H, --host <id>', 'the host to command (BERTH_HOST)');

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
  program.command('events').description('Show the event history and follow live events')
    .option('--since <time>', 'from this time (RFC 3339, Unix time, or a duration like 10m)')
    .option('--until <time>', 'up to this time; without it, follow live')
    .option('-f, --filter <key=value>', 'type, event, container, image, host, label (repeatable)', collect, [])
    .addOption(new Option('--format <format>', 'plain (default) or json'))
    .action(verb('events'));
  program.command('daemon').description('Run the berth daemon in the foreground')
    .option('--host-id <id>', 'this host\'s id (default: the hostname)')
    .action(verb('daemon'));
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') {
        process.exitCode = 0;
        return;
      }
      const message = error.message.replace(/^error: /, '');
      process.stderr.write(`berth: ${message}\nSee 'berth --help'.\n`);
      process.exitCode = 125;
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`berth: ${message}\n`);
    process.exitCode = error instanceof BerthError ? error.exitCode : 125;
  }
}

await main(process.argv);
