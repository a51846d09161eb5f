/** NetworkKernel on Linux: `ip` for bridges and routes, `nft -f` for the table, /proc/sys for sysctls. */
import fs from 'node:fs/promises';
import type { KernelNetwork, KernelOverlay, NetworkKernel, PortForward, ProbedPort } from './kernel.js';
import { portInUse } from './portProbe.js';
import { claimNetworkNamespace } from './namespaceClaim.js';
import { nftRuleset, TABLE } from './nftRuleset.js';
import { readHostResolvConf, resolvConfField } from './hostResolvers.js';
import { DEFAULT_SHIM_BINARY } from '../process/shim.js';
import { run } from './run.js';
import { deleteVxlan, ensureVxlan, findUnderlay, setPeers, type OverlayPeer, type Underlay } from './vxlan.js';

async function linkExists(name: string): Promise<boolean> {
  return run('ip', ['-j', 'link', 'show', 'dev', name]).then(() => true, () => false);
}

async function sysctl(key: string, value: string): Promise<void> {
  await fs.writeFile(`/proc/sys/${key.replaceAll('.', '/')}`, value);
}

export class LinuxNetworkKernel implements NetworkKernel {
  /** `root`: the daemon's data root, named to a second daemon that the namespace's claim refuses. */
  constructor(private readonly root: string) {}

  claimNamespace(): Promise<void> {
    return claimNetworkNamespace(this.root);
  }

  async addressesInUse(): Promise<string[]> {
    const routes = JSON.parse(await run('ip', ['-j', 'route', 'show', 'table', 'all'])) as Array<{ dst?: string }>;
    const routes6 = await run('ip', ['-j', '-6', 'route', 'show', 'table', 'all']).then((out) => JSON.parse(out) as Array<{ dst?: string }>, () => []);
    routes.push(...routes6);
    const addresses = JSON.parse(await run('ip', ['-j', 'addr', 'show'])) as Array<{ addr_info?: Array<{ local: string; prefixlen: number }> }>;
    const resolvers = resolvConfField(await readHostResolvConf(), 'nameserver');
    return [
      ...routes.map((route) => route.dst ?? '').filter((dst) => dst !== '' && dst !== 'default'),
      ...addresses.flatMap((link) => (link.addr_info ?? []).map((info) => `${info.local}/${info.prefixlen}`)),
      ...resolvers,
    ];
  }

  async enableForwarding(ipv6: boolean): Promise<void> {
    await sysctl('net.ipv4.ip_forward', '1');
    if (ipv6) await sysctl('net.ipv6.conf.all.forwarding', '1');
  }

  async ensureBridge(network: KernelNetwork): Promise<void> {
    const prefix = network.subnet.split('/')[1];
    const commands = [
      ...(await linkExists(network.bridge)) ? [] : [`link add ${network.bridge} type bridge`],
      `addr replace ${network.gateway}/${prefix} dev ${network.bridge}`,
      // Without DAD, as Docker's: the address is usable at once, before any container joins.
      ...network.subnet6 ? [`addr replace ${network.gateway6}/${network.subnet6.split('/')[1]} dev ${network.bridge} nodad`] : [],
      `link set ${network.bridge} up`,
    ];
    await run('ip', ['-batch', '-'], commands.join('\n') + '\n');
    // A port published on 127.0.0.1 is DNATed to the bridge: loopback sources must route there.
    await sysctl(`net.ipv4.conf.${network.bridge}.route_localnet`, '1');
  }

  underlay(link?: string): Promise<Underlay> {
    return findUnderlay(link);
  }

  async ensureOverlay(network: KernelOverlay): Promise<void> {
    await this.ensureBridge(network);
    await ensureVxlan(network);
  }

  setOverlayPeers(vxlan: string, peers: OverlayPeer[]): Promise<void> {
    return setPeers(vxlan, peers);
  }

  async deleteOverlay(bridge: string, vxlan: string): Promise<void> {
    await deleteVxlan(vxlan);
    await this.deleteBridge(bridge);
  }

  async deleteBridge(bridge: string): Promise<void> {
    if (await linkExists(bridge)) await run('ip', ['link', 'del', bridge]);
  }

  async applyFirewall(networks: KernelNetwork[], forwards: PortForward[]): Promise<void> {
    await run('nft', ['-f', '-'], nftRuleset(networks, forwards));
  }

  portInUse(port: ProbedPort): Promise<boolean> {
    return portInUse(port);
  }

  async plug(pid: number, entries: string[]): Promise<void> {
    await run(DEFAULT_SHIM_BINARY, ['network', String(pid), ...entries]);
  }

  async unplug(hostInterface: string): Promise<void> {
    if (await linkExists(hostInterface)) await run('ip', ['link', 'del', hostInterface]);
  }

  async setDefaultRoute(pid: number, gateway: string, ifname: string, gateway6?: string): Promise<void> {
    const routes = [`route replace default via ${gateway} dev ${ifname}`, ...gateway6 ? [`route replace default via ${gateway6} dev ${ifname}`] : []];
    await run('nsenter', [`--net=/proc/${pid}/ns/net`, '--', 'ip', '-batch', '-'], routes.join('\n') + '\n');
  }
}

export { TABLE };
