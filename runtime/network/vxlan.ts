/**
 * Overlay networks' kernel side: the underlay link, a VXLAN device per network under the
 * network's bridge (`nolearning proxy`: no multicast, no learning; ARP answered from the
 * neighbour table), and the static FDB and neighbour entries of the other hosts' endpoints.
 * `peerCommands` is the pure diff; the rest runs `ip` and `bridge`.
 */
import { BerthError } from '../../events/errors.js';
import { run } from './run.js';

/** The VXLAN header and the outer IPv4, UDP and Ethernet headers: what the overlay's MTU loses. */
export const VXLAN_OVERHEAD = 50;
/** IANA's VXLAN port. */
export const VXLAN_PORT = 4789;

/** The link between hosts that carries the encapsulated traffic. */
export interface Underlay {
  link: string;
  /** Its IPv4 address: this host's VXLAN endpoint (VTEP). */
  address: string;
  mtu: number;
}

/** A container on another host: its address, its MAC and its host's VTEP. */
export interface OverlayPeer {
  address: string;
  mac: string;
  vtep: string;
}

/** The entries a VXLAN device holds now (the permanent ones berth made). */
export interface PeerEntries {
  fdb: Array<{ mac: string; dst: string }>;
  neighbours: Array<{ address: string; mac: string }>;
}

/** The `bridge -batch` and `ip -batch` lines that make the device's entries those of `wanted`. */
export function peerCommands(vxlan: string, current: PeerEntries, wanted: OverlayPeer[]): { bridge: string[]; ip: string[] } {
  const bridge: string[] = [];
  const ip: string[] = [];
  const wantedMacs = new Set(wanted.map((peer) => peer.mac));
  const wantedAddresses = new Set(wanted.map((peer) => peer.address));
  for (const entry of current.fdb) if (!wantedMacs.has(entry.mac)) bridge.push(`fdb del ${entry.mac} dev ${vxlan} self`);
  for (const entry of current.neighbours) if (!wantedAddresses.has(entry.address)) ip.push(`neigh del ${entry.address} dev ${vxlan}`);
  for (const peer of wanted) {
    if (!current.fdb.some((e) => e.mac === peer.mac && e.dst === peer.vtep)) bridge.push(`fdb replace ${peer.mac} dev ${vxlan} dst ${peer.vtep} self permanent`);
    if (!current.neighbours.some((e) => e.address === peer.address && e.mac === peer.mac)) ip.push(`neigh replace ${peer.address} lladdr ${peer.mac} dev ${vxlan} nud permanent`);
  }
  return { bridge, ip };
}

/** The link given, else the default route's: its first IPv4 address and its MTU. */
export async function findUnderlay(link?: string): Promise<Underlay> {
  let name = link;
  if (!name) {
    const routes = JSON.parse(await run('ip', ['-j', '-4', 'route', 'show', 'default'])) as Array<{ dev?: string }>;
    name = routes[0]?.dev;
    if (!name) throw new BerthError('overlay networks need a data interface: this host has no default route; start the daemon with --data-interface');
  }
  // From netlink, not /sys/class/net: /sys shows the netns of whoever mounted it, which need not be the daemon's.
  const links = JSON.parse(await run('ip', ['-j', '-4', 'addr', 'show', 'dev', name]).catch(() => '[]')) as Array<{ mtu?: number; addr_info?: Array<{ local: string }> }>;
  const address = links[0]?.addr_info?.[0]?.local;
  if (!address || !links[0].mtu) throw new BerthError(`the data interface ${name} has no IPv4 address`);
  return { link: name, address, mtu: links[0].mtu };
}

/** The VXLAN device exists under the bridge with this id, endpoint and MTU (the bridge itself is made by ensureBridge). */
export async function ensureVxlan(input: { bridge: string; vxlan: string; vni: number; underlay: Underlay; mtu: number }): Promise<void> {
  const exists = await run('ip', ['-j', 'link', 'show', 'dev', input.vxlan]).then(() => true, () => false);
  const commands = [
    ...(exists ? [] : [`link add ${input.vxlan} type vxlan id ${input.vni} local ${input.underlay.address} dev ${input.underlay.link} dstport ${VXLAN_PORT} nolearning proxy`]),
    `link set ${input.vxlan} mtu ${input.mtu} master ${input.bridge} up`,
    `link set ${input.bridge} mtu ${input.mtu}`,
  ];
  await run('ip', ['-batch', '-'], commands.join('\n') + '\n');
}

/** Makes the device's FDB and neighbour entries those of the other hosts' endpoints. */
export async function setPeers(vxlan: string, wanted: OverlayPeer[]): Promise<void> {
  const fdb = JSON.parse(await run('bridge', ['-j', 'fdb', 'show', 'dev', vxlan])) as Array<{ mac: string; dst?: string; state?: string }>;
  const neighbours = JSON.parse(await run('ip', ['-j', '-4', 'neigh', 'show', 'dev', vxlan])) as Array<{ dst: string; lladdr?: string; state?: string[] }>;
  const current: PeerEntries = {
    fdb: fdb.filter((e) => e.dst && e.state === 'permanent').map((e) => ({ mac: e.mac, dst: e.dst! })),
    neighbours: neighbours.filter((e) => e.lladdr && e.state?.includes('PERMANENT')).map((e) => ({ address: e.dst, mac: e.lladdr! })),
  };
  const commands = peerCommands(vxlan, current, wanted);
  if (commands.bridge.length) await run('bridge', ['-batch', '-'], commands.bridge.join('\n') + '\n');
  if (commands.ip.length) await run('ip', ['-batch', '-'], commands.ip.join('\n') + '\n');
}

/** The VXLAN device is gone; absent is fine. */
export async function deleteVxlan(vxlan: string): Promise<void> {
  await run('ip', ['link', 'del', vxlan]).catch(() => {});
}
