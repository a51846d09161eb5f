/**
 * The kernel side of networks, behind one interface: bridges, the forwarding sysctl, berth's own
 * nftables table, and what the daemon's netns already routes. Per-container links are made by the
 * shim (runtime/native/netsetup.c). linuxNetworkKernel.ts implements it with `ip` and `nft`.
 */

import type { PortForward } from './nftPorts.js';
import type { ProbedPort } from './portProbe.js';

export type { PortForward, ProbedPort };

/** One network as the kernel sees it. */
export interface KernelNetwork {
  /** The bridge link. */
  bridge: string;
  /** CIDR of the network, e.g. 172.17.0.0/16. */
  subnet: string;
  gateway: string;
  /** No masquerade and no forwarding to or from other links. */
  internal: boolean;
}

export interface NetworkKernel {
  /** This daemon alone manages the networks of its network namespace (namespaceClaim.ts); refused while another does. */
  claimNamespace(): Promise<void>;
  /** Destinations of the daemon's netns routes and addresses (CIDR or plain), and its resolvers. */
  addressesInUse(): Promise<string[]>;
  /** net.ipv4.ip_forward = 1 in the daemon's netns. */
  enableForwarding(): Promise<void>;
  /** The bridge exists, has the gateway address and is up (idempotent). */
  ensureBridge(network: KernelNetwork): Promise<void>;
  /** The bridge is gone (and every veth in it); absent is fine. */
  deleteBridge(bridge: string): Promise<void>;
  /** Replaces berth's nftables table, atomically, with the rules of these networks and published ports. */
  applyFirewall(networks: KernelNetwork[], forwards: PortForward[]): Promise<void>;
  /** Whether a process of the host holds this port (found by binding it). */
  portInUse(port: ProbedPort): Promise<boolean>;
  /** Adds interfaces (shim `networks` entries) to a running container's netns (network connect). */
  plug(pid: number, entries: string[]): Promise<void>;
  /** Deletes a veth by its host end, and so its peer in the container (network disconnect). */
  unplug(hostInterface: string): Promise<void>;
}
