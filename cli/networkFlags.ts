/** `run`/`create`'s network flags, as Docker spells them: --network (declared with the host config flags) and its companions. */
import { isIPv6 } from 'node:net';
import type { Command } from 'commander';
import { ValidationError } from '../events/errors.js';
import type { NetworkingSpec } from '../events/networking.js';
import { parseExposeFlags, parsePublishFlags } from '../client/ports.js';
import { collect } from './verbs/verb.js';

export interface NetworkFlags {
  network?: string;
  ip?: string;
  ip6?: string;
  networkAlias?: string[];
  addHost?: string[];
  dns?: string[];
  dnsSearch?: string[];
  dnsOption?: string[];
  publish?: string[];
  publishAll?: boolean;
  expose?: string[];
}

export function addNetworkOptions(cmd: Command): Command {
  return cmd
    .option('--ip <address>', 'the IPv4 address on the (user-defined) network')
    .option('--ip6 <address>', 'the IPv6 address on the (user-defined, --ipv6) network')
    .option('--network-alias <name>', 'a network-scoped alias (repeatable)', collect, [])
    .option('--add-host <host:ip>', 'a line in /etc/hosts, IP or host-gateway (repeatable)', collect, [])
    .option('--dns <address>', 'a nameserver (repeatable)', collect, [])
    .option('--dns-search <domain>', 'a search domain (repeatable)', collect, [])
    .option('--dns-option <option>', 'a resolv.conf option (repeatable)', collect, [])
    .option('-p, --publish <[ip:][host:]port[/proto]>', 'publish a container port on the host (repeatable; ranges: 8000-8010:80-90)', collect, [])
    .option('-P, --publish-all', 'publish every exposed port (EXPOSE, --expose), each on a free host port')
    .option('--expose <port[/proto]>', 'expose a port or a range of ports (repeatable)', collect, []);
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
/** Docker's --add-host value for the host's address as the containers reach it. */
const HOST_GATEWAY = 'host-gateway';

/** The networking of a create spec; none and host stay security options (cli/hostConfigFlags.ts). */
export function parseNetworkFlags(flags: NetworkFlags): { networking?: NetworkingSpec; expose?: string[] } {
  const expose = parseExposeFlags(flags.expose ?? []);
  return { ...networkingOf(flags), ...(expose.length ? { expose } : {}) };
}

function networkingOf(flags: NetworkFlags): { networking?: NetworkingSpec } {
  const network = flags.network === 'none' || flags.network === 'host' ? undefined : flags.network;
  if (network === '') throw new ValidationError('invalid --network "": give a network name, bridge, none, host or container:NAME');
  for (const entry of flags.addHost ?? []) {
    const colon = entry.indexOf(':');
    if (colon <= 0 || !(IPV4.test(entry.slice(colon + 1)) || entry.slice(colon + 1) === HOST_GATEWAY)) throw new ValidationError(`invalid argument "${entry}" for "--add-host" flag: invalid IP address in add-host: "${entry.slice(colon + 1)}"`);
  }
  if (flags.ip !== undefined && !IPV4.test(flags.ip)) throw new ValidationError(`invalid argument "${flags.ip}" for "--ip" flag: invalid IPv4 address`);
  if (flags.ip6 !== undefined && !isIPv6(flags.ip6)) throw new ValidationError(`invalid argument "${flags.ip6}" for "--ip6" flag: invalid IPv6 address`);
  for (const server of flags.dns ?? []) {
    if (!IPV4.test(server)) throw new ValidationError(`invalid argument "${server}" for "--dns" flag: not an IPv4 address`);
  }
  const special = flags.network === 'none' || flags.network === 'host';
  if (special && (flags.ip || flags.ip6 || flags.networkAlias?.length)) throw new ValidationError(`conflicting options: --ip, --ip6 and --network-alias need a network, not ${flags.network}`);
  const ports = parsePublishFlags(flags.publish ?? []);
  const spec: NetworkingSpec = {
    ...(network ? { network } : {}),
    ...(flags.ip ? { ip: flags.ip } : {}),
    ...(flags.ip6 ? { ip6: flags.ip6 } : {}),
    aliases: flags.networkAlias ?? [],
    extraHosts: flags.addHost ?? [],
    dns: flags.dns ?? [],
    dnsSearch: flags.dnsSearch ?? [],
    dnsOptions: flags.dnsOption ?? [],
    ...(ports.length ? { ports } : {}),
    ...(flags.publishAll ? { publishAll: true } : {}),
  };
  // With none or host, published ports go to the daemon all the same: it discards them, and warns for host as Docker does.
  if (special) return ports.length || flags.publishAll ? { networking: { aliases: [], extraHosts: [], dns: [], dnsSearch: [], dnsOptions: [], ...(ports.length ? { ports } : {}), ...(flags.publishAll ? { publishAll: true } : {}) } } : {};
  const asked = network || spec.ip || spec.ip6 || spec.aliases.length || spec.extraHosts.length || spec.dns.length || spec.dnsSearch.length || spec.dnsOptions.length || ports.length || flags.publishAll;
  return asked ? { networking: spec } : {};
}
