/**
 * A NetworkKernel (runtime/network/kernel.ts) that touches nothing: it records the bridges and
 * the networks of the last firewall it was given, so unit tests of the host never run `ip` or
 * `nft` in the namespace the test runs in.
 */
import type { KernelNetwork, KernelOverlay, NetworkKernel, OverlayPeer, PortForward, ProbedPort, Underlay } from '../../runtime/network/kernel.js';

export class FakeNetworkKernel implements NetworkKernel {
  readonly bridges = new Set<string>();
  firewall: KernelNetwork[] = [];
  forwards: PortForward[] = [];
  /** Ports a test says a process of the host holds. */
  readonly bound: ProbedPort[] = [];
  forwarding = false;

  async claimNamespace(): Promise<void> {}
  async addressesInUse(): Promise<string[]> { return []; }
  async enableForwarding(): Promise<void> { this.forwarding = true; }
  async ensureBridge(network: KernelNetwork): Promise<void> { this.bridges.add(network.bridge); }
  async deleteBridge(bridge: string): Promise<void> { this.bridges.delete(bridge); }
  /** The overlays' peers, by VXLAN device. */
  readonly peers = new Map<string, OverlayPeer[]>();
  async underlay(link = 'eth0'): Promise<Underlay> { return { link, address: '192.0.2.10', mtu: 1500 }; }
  async ensureOverlay(network: KernelOverlay): Promise<void> { this.bridges.add(network.bridge); }
  async setOverlayPeers(vxlan: string, peers: OverlayPeer[]): Promise<void> { this.peers.set(vxlan, peers); }
  async deleteOverlay(bridge: string, vxlan: string): Promise<void> { this.bridges.delete(bridge); this.peers.delete(vxlan); }
  async applyFirewall(networks: KernelNetwork[], forwards: PortForward[]): Promise<void> { this.firewall = networks; this.forwards = forwards; }
  async portInUse(port: ProbedPort): Promise<boolean> { return this.bound.some((b) => b.hostPort === port.hostPort && b.protocol === port.protocol); }
  async plug(): Promise<void> {}
  async unplug(): Promise<void> {}
  async setDefaultRoute(): Promise<void> {}
}
