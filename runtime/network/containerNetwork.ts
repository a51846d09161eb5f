/**
 * What a container's start needs from its networks: the interfaces the shim makes, the netns it
 * joins instead (--network container:X), and the name files bind-mounted over /etc.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { hostsFile, resolvConf, type NameSettings } from './containerFiles.js';
import { readHostResolvConf } from './hostResolvers.js';

export interface ContainerInterface {
  bridge: string;
  /** The host end of the veth. */
  hostIf: string;
  /** The container end: eth0, eth1, ... */
  ifname: string;
  address: string;
  prefix: number;
  /** The default route's gateway; empty for every interface but the first. */
  gateway: string;
  mac: string;
  /** The link's MTU; absent: the kernel's default (an overlay network's is its VXLAN's). */
  mtu?: number;
  /** On an IPv6 network: the leased IPv6 address, its subnet's prefix, and the IPv6 default route's gateway ('' for none). */
  address6?: string;
  prefix6?: number;
  gateway6?: string;
}

export interface ContainerNetwork {
  interfaces: ContainerInterface[];
  /** The pid whose netns the container joins. */
  joinPid?: number;
  names: NameSettings;
}

const SEPARATOR = '\x1f';

/** The shim's `networks` entries (runtime/native/netsetup.c). */
export function shimEntries(network: ContainerNetwork): string[] {
  return network.interfaces.map((i) => {
    const ipv6 = i.address6 ? [i.address6, String(i.prefix6), i.gateway6 ?? ''] : [];
    return [i.bridge, i.hostIf, i.ifname, i.address, String(i.prefix), i.gateway, i.mac, ...(i.mtu || ipv6.length ? [i.mtu ? String(i.mtu) : ''] : []), ...ipv6].join(SEPARATOR);
  });
}

/** The host end of a container's veth on a network: 15 characters at most (IFNAMSIZ). */
export function hostInterfaceName(containerId: string, networkId: string): string {
  return `vb${containerId.slice(0, 8)}${networkId.slice(0, 5)}`;
}

/**
 * Writes hosts, hostname and resolv.conf into `dir`, at once; returns the shim mount entries for
 * them. Each is written in place: a start writes them before the shim bind-mounts them, and no
 * process reads them until then (a crash halfway leaves files the next start writes again).
 */
export async function writeNameFiles(dir: string, network: ContainerNetwork): Promise<string[]> {
  const hostResolv = await readHostResolvConf();
  const files = {
    hosts: hostsFile(network.names),
    hostname: `${network.names.hostname}\n`,
    'resolv.conf': resolvConf(hostResolv, network.names),
  };
  return Promise.all(Object.entries(files).map(async ([name, content]) => {
    const file = path.join(dir, name);
    await fs.writeFile(file, content);
    return ['bind', file, `/etc/${name}`, 'rprivate'].join(SEPARATOR);
  }));
}

/**
 * A running container's /etc/hosts after a live connect or disconnect, written in place: the
 * file is bind-mounted, and a rename would leave the container reading the old inode.
 */
export async function rewriteHostsFile(dir: string, names: NameSettings): Promise<void> {
  const file = path.join(dir, 'hosts');
  if (await fs.access(file).then(() => true, () => false)) await fs.writeFile(file, hostsFile(names));
}
