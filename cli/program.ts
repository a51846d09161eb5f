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

/** The program's root: its name, version and the global flags every verb takes. */
function rootProgram(): Command {
  return new Command('berth')
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
}

function registerVerbs(program: Command): void {
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
}

/** The whole program: every verb and flag (help, completion, the bundle's list of verbs). */
export function buildProgram(): Command {
  const program = rootProgram();
  registerVerbs(program);
  return program;
}

/**
 * The program a command line needs: the root and the one verb it names. Declaring every verb's
 * flags cost each command about 6 ms (commander builds an Option per flag), for the one verb
 * that runs. Without a verb (`--version`) the root alone; for help, a word that names no verb,
 * or anything this cannot tell, the whole program, whose parse then says what commander says.
 */
export function programFor(argv: string[]): Command {
  const program = rootProgram();
  const word = verbWord(program, argv.slice(2));
  if (word === null) return program;
  if (word === undefined) return buildProgram();
  // Every top-level verb but `word` is declared on a stand-in that takes any call and declares nothing.
  const declare = program.command.bind(program);
  let found = false;
  let aliased = false;
  const skipped: Command = new Proxy({} as Command, {
    get: (_target, key) => (key === 'alias' ? (alias: string) => { if (alias === word) aliased = true; return skipped; } : () => skipped),
  });
  program.command = ((nameAndArgs: string, ...rest: unknown[]) => {
    if (nameAndArgs.split(' ')[0] !== word) return skipped;
    found = true;
    return (declare as (...a: unknown[]) => Command)(nameAndArgs, ...rest);
  }) as Command['command'];
  try {
    registerVerbs(program);
  } finally {
    program.command = declare;
  }
  // A verb known by an alias of its own is declared only in the whole program.
  return found && !aliased ? program : buildProgram();
}

/**
 * The verb a command line names: its first word after the global flags (and their values).
 * null: none before --version; undefined: help, an unknown flag, no word, or `--`.
 */
function verbWord(root: Command, args: string[]): string | null | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') return undefined;
    if (!arg.startsWith('-') || arg === '-') return arg;
    const flag = arg.split('=')[0];
    if (flag === '-v' || flag === '--version') return null;
    const option = root.options.find((o) => o.short === flag || o.long === flag);
    if (!option) return undefined;
    if ((option.required || option.optional) && !arg.includes('=')) i++;
  }
  return undefined;
}
