import { Command } from 'commander';
import t from 'tap';
import { argumentKind, completionTree } from './completion.js';

t.test('the tree follows the program: subcommands, aliases, flags, valued flags, argument kinds', async (t) => {
  const program = new Command('berth').option('--root <dir>');
  program.command('start').argument('<containers...>').option('-a, --attach');
  const volume = program.command('volume');
  volume.command('rm').alias('remove').argument('<names...>').option('-f, --force');
  program.command('run').argument('<image>').option('-e, --env <KEY=VALUE>').option('--rm');
  const nodes = new Map(completionTree(program).map((n) => [n.path, n]));
  t.same([...nodes.keys()], ['berth', 'berth start', 'berth volume', 'berth volume rm', 'berth volume remove', 'berth run']);
  t.same(nodes.get('berth')!.subcommands, ['start', 'volume', 'run']);
  t.same(nodes.get('berth')!.valued, ['--root']);
  t.same(nodes.get('berth volume')!.subcommands, ['rm', 'remove']);
  t.same(nodes.get('berth run')!.options, ['-e', '--env', '--rm', '-h', '--help']);
  t.same(nodes.get('berth run')!.valued, ['-e', '--env']);
  t.same([nodes.get('berth start')!.argument, nodes.get('berth volume remove')!.argument, nodes.get('berth run')!.argument], ['container', 'volume', 'image']);
  t.equal(argumentKind('names', 'berth inspect'), 'container');
  t.equal(argumentKind('file', 'berth import'), 'file');
});
