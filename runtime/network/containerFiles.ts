/** A networked container's /etc/hosts, /etc/hostname and /etc/resolv.conf, as Docker writes them. Pure. */
import { resolvConfField } from './hostResolvers.js';

export interface NameSettings {
  hostname: string;
  /** The container's own addresses, first network first. */
  addresses: string[];
  /** --add-host HOST:IP. */
  extraHosts: string[];
  dns: string[];
  dnsSearch: string[];
  dnsOptions: string[];
  /** On a user network: the embedded resolver's address (the network's gateway). */
  resolver?: string;
}

export function hostsFile(settings: NameSettings): string {
  const lines = [
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'ff00::0\tip6-mcastprefix',
    'ff02::1\tip6-allnodes',
    'ff02::2\tip6-allrouters',
  ];
  for (const entry of settings.extraHosts) {
    const colon = entry.indexOf(':');
    lines.push(`${entry.slice(colon + 1)}\t${entry.slice(0, colon)}`);
  }
  for (const address of settings.addresses) lines.push(`${address}\t${settings.hostname}`);
  return lines.join('\n') + '\n';
}

/**
 * Docker's rule: the host's resolv.conf without its loopback nameservers (unreachable from the
 * container's netns; Google's when none is left), with --dns, --dns-search and --dns-option
 * replacing the nameservers, search domains and options. On a user network the one nameserver is
 * the embedded resolver (`resolver`), which relays other names to --dns or the host's resolvers.
 */
export function resolvConf(hostResolvConf: string, settings: NameSettings): string {
  const field = (name: string) => resolvConfField(hostResolvConf, name);
  let servers = settings.dns.length > 0 ? settings.dns : field('nameserver').filter((server) => !/^127\./.test(server) && server !== '::1');
  if (servers.length === 0) servers = ['8.8.8.8', '8.8.4.4'];
  if (settings.resolver) servers = [settings.resolver];
  const search = settings.dnsSearch.length > 0 ? settings.dnsSearch : field('search');
  const options = [...settings.dnsOptions.length > 0 ? settings.dnsOptions : field('options')];
  // Docker's embedded DNS: names without a dot are not tried against the search domains first.
  if (settings.resolver && !options.some((option) => option.startsWith('ndots:'))) options.push('ndots:0');
  return [
    ...(search.length > 0 ? [`search ${search.join(' ')}`] : []),
    ...servers.map((server) => `nameserver ${server}`),
    ...(options.length > 0 ? [`options ${options.join(' ')}`] : []),
  ].join('\n') + '\n';
}
