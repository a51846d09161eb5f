/** The network verbs and their flags, as Docker spells them. */
import { Option, type Command } from 'commander';
import { collect, type Verb } from './verb.js';

export function registerNetworkVerbs(program: Command, verb: Verb): void {
  const network = program.command('network').description('Manage networks');
  network.command('create').description('Create a network').argument('<name>')
    .option('-d, --driver <driver>', 'network driver (only bridge)', 'bridge')
    .option('--subnet <cidr>', 'subnet, IPv4 (172.30.0.0/16) and/or IPv6 (fd00:1::/64), once per family (default: a free one)', collect, [])
    .option('--gateway <address>', 'the gateway in the subnet of its family (default: its first address)', collect, [])
    .option('--ipv6', 'an IPv6 subnet too (default: the host\'s next ULA /64)')
    .option('--internal', 'no traffic to or from outside the network')
    .option('-l, --label <KEY=VALUE>', 'set a label (repeatable)', collect, [])
    .option('-o, --opt <KEY=VALUE>', 'driver option (repeatable)', collect, [])
    .action(verb('networkCreate'));
  network.command('ls').alias('list').description('List networks')
    .option('-q, --quiet', 'only ids')
    .addOption(new Option('--format <format>', 'table (default), json, or a Go template like \'{{.Name}}\''))
    .option('--no-trunc', 'full ids')
    .action(verb('networkLs'));
  network.command('inspect').description('Show networks as JSON').argument('<networks...>')
    .action(verb('networkInspect'));
  network.command('rm').alias('remove').description('Remove networks').argument('<networks...>')
    .action(verb('networkRm'));
  network.command('prune').description('Remove every user-defined network no container is on')
    .option('-f, --force', 'do not prompt for confirmation')
    .option('--filter <key=value>', 'label=KEY[=VALUE], label!=KEY[=VALUE] or until=TIME (repeatable)', collect, [])
    .action(verb('networkPrune'));
  network.command('connect').description('Connect a container to a network').argument('<network>').argument('<container>')
    .option('--alias <name>', 'a network-scoped alias (repeatable)', collect, [])
    .option('--ip <address>', 'the IPv4 address to lease')
    .option('--ip6 <address>', 'the IPv6 address to lease')
    .action(verb('networkConnect'));
  network.command('disconnect').description('Disconnect a container from a network').argument('<network>').argument('<container>')
    .option('-f, --force', 'force the disconnect')
    .action(verb('networkDisconnect'));
}
