/**
 * A NetworkKernel (runtime/network/kernel.ts) that touches nothing: it records the bridges and
 * the networks of the last firewall it was given, so unit tests of the host never run `ip` or
 * `nft` in the namespace the test runs in.
 */
import type { KernelNetwork, NetworkKernel } from '../../runtime/network/kernel.js';

export class FakeNetworkKernel implements NetworkKernel {
  readonly bridges = new Set<string>();
  firewall: KernelNetwork[] = [];
  forwarding = false;

  async addressesInUse(): Promise<string[]> { return []; }
  async enableForwarding(): Promise<void> { this.forwarding = true; }
  async ensureBridge(network: KernelNetwork): Promise<void> { this.bridges.add(network.bridge); }
  async deleteBridge(bridge: string): Promise<void> { this.bridges.delete(bridge); }
  async applyFirewall(networks: KernelNetwork[]): Promise<void> { this.firewall = networks; }
  async plug(): Promise<void> {}
  async unplug(): Promise<void> {}
}
