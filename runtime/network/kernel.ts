/**
 * The kernel side of networks, behind one interface: bridges, the forwarding sysctl, berth's own
 * nftables table, and what the daemon's netns already routes. Per-container links are made by the
 * shim (runtime/native/netsetup.c). linuxNetworkKernel.ts implements it with `ip` and `nft`.
 */

import type { PortForward } from './nftPorts.js';
import type { ProbedPort } from './portProbe.js';
import type { OverlayPeer, Underlay } from './vxlan.js';

export type { OverlayPeer, PortForward, ProbedPort, Underlay };

/** One network as the kernel sees it. */
export interface KernelNetwork {
  /** The bridge link. */
  bridge: string;
  /** CIDR of the network, e.g. 172.17.0.0/16. */
  subnet: string;
  gateway: string;
  /** No masquerade and no forwarding to or from other links. */
  internal: boolean;
  /** An IPv6 network's subnet (CIDR) and the bridge's address in it. */
  subnet6?: string;
  gateway6?: string;
}

/** An overlay network on this host: its bridge, and the VXLAN device joined to it. */
export interface KernelOverlay extends KernelNetwork {
  vxlan: string;
  vni: number;
  underlay: Underlay;
  /** The bridge's and the VXLAN's MTU: the underlay's less VXLAN_OVERHEAD. */
  mtu: number;
}

export interface NetworkKernel {
  /** This daemon alone manages the networks of its network namespace (namespaceClaim.ts); refused while another does. */
  claimNamespace(): Promise<void>;
  /** Destinations of the daemon's netns routes and addresses (CIDR or plain, IPv4 and IPv6), and its resolvers. */
  addressesInUse(): Promise<string[]>;
  /** net.ipv4.ip_forward = 1 in the daemon's netns, and with `ipv6` net.ipv6.conf.all.forwarding = 1 there too. */
  enableForwarding(ipv6: boolean): Promise<void>;
  /** The bridge exists, has the gateway address (and gateway6) and is up (idempotent). */
  ensureBridge(network: KernelNetwork): Promise<void>;
  /** The bridge is gone (and every veth in it); absent is fine. */
  deleteBridge(bridge: string): Promise<void>;
  /** The link overlay traffic goes over (the one named, else the default route's), its address and MTU. */
  underlay(link?: string): Promise<Underlay>;
  /** The overlay's bridge (as ensureBridge) and its VXLAN device under it, up (idempotent). */
  ensureOverlay(network: KernelOverlay): Promise<void>;
  /** The VXLAN device's FDB and neighbour entries are those of these peers, and no others. */
  setOverlayPeers(vxlan: string, peers: OverlayPeer[]): Promise<void>;
  /** The overlay's VXLAN device and bridge are gone; absent is fine. */
  deleteOverlay(bridge: string, vxlan: string): Promise<void>;
  /** Replaces berth's nftables table, atomically, with the rules of these networks and published ports. */
  applyFirewall(networks: KernelNetwork[], forwards: PortForward[]): Promise<void>;
  /** Whether a process of the host holds this port (found by binding it). */
  portInUse(port: ProbedPort): Promise<boolean>;
  /** Adds interfaces (shim `networks` entries) to a running container's netns (network connect). */
  plug(pid: number, entries: string[]): Promise<void>;
  /** Deletes a veth by its host end, and so its peer in the container (network disconnect). */
  unplug(hostInterface: string): Promise<void>;
  /** A running container's default route is via `gateway` on its interface `ifname` (it replaces any other); `gateway6` likewise for IPv6. */
  setDefaultRoute(pid: number, gateway: string, ifname: string, gateway6?: string): Promise<void>;
}
