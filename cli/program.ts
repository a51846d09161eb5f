/**
 * The whole command line as one commander program: every verb and flag, with both of Docker's
 * spellings. Each verb's module (cli/commands/<name>.js) is loaded only when it runs. Kept apart
 * from main.ts so that `berth completion` can walk the same program.
 */
import { Command } from 'commander';
import type { GlobalOptions } from './client.js';
import { registerContainerVerbs } from './verbs/container.js';
import { registerRuntimeVerbs } from './verbs/runtime.js';
import { registerHostVerbs } from './verbs/host.js';
import { registerImageVerbs } from './verbs/image.js';
import { registerSystemVerbs } from './verbs/system.js';
import { registerVolumeVerbs } from './verbs/volume.js';
import { registerNetworkVerbs } from './verbs/network.js';
import { registerComposeVerbs } from './verbs/compose.js';

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
    .option('--nats <url>', 'an external NATS (BERTH_NATS_URL; comma-separated for a cluster)')
    .option('--creds <file>', 'credentials for the external NATS (BERTH_NATS_CREDS)')
    .option('-H, --host <id>', 'the host to command (BERTH_HOST)');

  registerContainerVerbs(program, verb);
  registerRuntimeVerbs(program, verb);
  // `berth container <verb>`: the same verbs and flags under Docker's management command.
  const container = program.command('container').description('Manage containers').enablePositionalOptions();
  registerContainerVerbs(container, verb);
  registerRuntimeVerbs(container, verb);
  registerImageVerbs(program, verb);
  registerSystemVerbs(program, verb);
  registerVolumeVerbs(program, verb);
  registerNetworkVerbs(program, verb);
  registerHostVerbs(program, verb);
  registerComposeVerbs(program, verb);
  return program;
}

