import t from 'tap';
import type { Command } from 'commander';
import { buildProgram, programFor } from './program.js';

const argv = (...words: string[]) => ['node', 'berth', ...words];

/** A command as parsing sees it: its flags, arguments and subcommands, all the way down. */
function shape(command: Command): unknown {
  return {
    name: command.name(),
    aliases: command.aliases(),
    options: command.options.map((o) => o.flags),
    args: command.registeredArguments.map((a) => a.name()),
    commands: command.commands.map(shape),
  };
}

t.test('a command line that names a verb gets the root and that verb, declared as in the whole program', async (t) => {
  const whole = buildProgram();
  t.ok(whole.commands.length > 40);
  for (const verb of whole.commands) {
    const program = programFor(argv(verb.name(), 'x'));
    t.same(program.commands.map((c) => c.name()), [verb.name()], `${verb.name()} alone`);
    t.same(shape(program.commands[0]), shape(verb), `${verb.name()} as in the whole program`);
    t.same(program.options.map((o) => o.flags), whole.options.map((o) => o.flags), 'with every global flag');
  }
});

t.test('the verb is the first word after the global flags and their values', async (t) => {
  const verbs = (...words: string[]) => programFor(argv(...words)).commands.map((c) => c.name());
  t.same(verbs('--root', '/r', '--run-root=/rr', '-H', 'h1', 'ps', '-a'), ['ps']);
  t.same(verbs('container', 'ls'), ['container']);
  t.same(programFor(argv('container', 'ls')).commands[0].commands.length, buildProgram().commands.find((c) => c.name() === 'container')!.commands.length, 'a management command has all its own');
  t.same(verbs('--version'), [], '--version: the root alone');
  t.same(verbs('-v'), []);
  const whole = buildProgram().commands.length;
  for (const line of [[], ['--help'], ['-h', 'ps'], ['help', 'ps'], ['nosuchverb'], ['--bogus', 'ps'], ['--', 'ps'], ['-Hh1', 'ps']]) {
    t.equal(programFor(argv(...line)).commands.length, whole, `${JSON.stringify(line)}: the whole program`);
  }
});

t.test('the root alone still answers --version, and a verb still parses its own flags', async (t) => {
  let out = '';
  const root = programFor(argv('--version')).configureOutput({ writeOut: (s) => { out += s; } });
  await t.rejects(root.parseAsync(argv('--version')), { code: 'commander.version' });
  t.equal(out.trim(), '0.1.0');
  const ps = programFor(argv('ps', '--bogus'));
  await t.rejects(ps.parseAsync(argv('ps', '--bogus')), { code: 'commander.unknownOption' });
});
