/**
 * The published ports' part of berth's table (runtime/network/nftRuleset.ts). Pure.
 *
 * As netavark does it, without a userland proxy:
 * - DNAT whatever is addressed to one of the host's own addresses (`fib daddr type local`) on a
 *   published port: in prerouting for traffic from outside and from containers, in output for the
 *   host's own traffic (127.0.0.1 among it; the bridge has route_localnet so that a loopback
 *   source may be routed there);
 * - masquerade a loopback source, and a container reaching a published port of its own network
 *   (hairpin), so that the answer comes back through the host;
 * - let DNATed traffic through the forward chain whichever network it comes from;
 * - drop anything to 127.0.0.0/8 that did not come in on `lo` before routing (Docker's bug that
 *   let a neighbour reach ports published on 127.0.0.1, and route_localnet's risk with it).
 */

export interface PortForward {
  /** '': every address of the host. */
  hostIp: string;
  hostPort: number;
  protocol: 'tcp' | 'udp';
  /** The container's address and port. */
  address: string;
  containerPort: number;
}

/** The rules of one forward, as the `published` chain holds it. */
function forwardRule(forward: PortForward): string {
  const destination = forward.hostIp === '' ? 'meta nfproto ipv4' : `ip daddr ${forward.hostIp}`;
  return `${destination} ${forward.protocol} dport ${forward.hostPort} dnat ip to ${forward.address}:${forward.containerPort}`;
}

export interface PublishRules {
  /** Chains of their own, whole. */
  chains: string[];
  /** Rules at the head of the forward chain. */
  forward: string[];
  /** Rules of the postrouting chain, for the networks' bridges and subnets. */
  postrouting: string[];
}

export function publishRules(forwards: PortForward[], networks: Array<{ bridge: string; subnet: string; internal: boolean }>): PublishRules {
  if (forwards.length === 0) return { chains: [], forward: [], postrouting: [] };
  const chains = [
    '  chain localhost {',
    '    type filter hook prerouting priority raw; policy accept;',
    '    iifname != "lo" ip daddr 127.0.0.0/8 counter drop',
    '  }',
    '  chain published {',
    ...forwards.map((forward) => `    ${forwardRule(forward)}`),
    '  }',
    '  chain prerouting {',
    '    type nat hook prerouting priority dstnat; policy accept;',
    '    fib daddr type local jump published',
    '  }',
    '  chain output {',
    '    type nat hook output priority -100; policy accept;',
    '    fib daddr type local jump published',
    '  }',
  ];
  const postrouting = networks.filter((network) => !network.internal).flatMap((network) => [
    `oifname ${JSON.stringify(network.bridge)} ip saddr 127.0.0.0/8 masquerade`,
    `oifname ${JSON.stringify(network.bridge)} ip saddr ${network.subnet} ct status dnat masquerade`,
  ]);
  return { chains, forward: ['ct status dnat accept'], postrouting };
}
