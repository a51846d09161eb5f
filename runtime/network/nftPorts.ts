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
 *
 * IPv6: a container with an IPv6 address has its ports forwarded over IPv6 too when they are
 * published on every address (`-p 8080:80`, as Docker 28 binds 0.0.0.0 and ::), on `::` or on one
 * of the host's IPv6 addresses. nftables cannot translate between families, so a container without
 * one is reached over IPv4 only (Docker, too, needs its userland proxy for that). IPv6 has no
 * route_localnet: `::1` is not forwarded.
 */

export interface PortForward {
  /** '': every address of the host. */
  hostIp: string;
  hostPort: number;
  protocol: 'tcp' | 'udp';
  /** The container's address and port. */
  address: string;
  containerPort: number;
  /** The container's IPv6 address, when it is on an IPv6 network. */
  address6?: string;
}

/** The rules of one forward, as the `published` chain holds them: one per family it is reachable over. */
function forwardRules(forward: PortForward): string[] {
  const ports = `${forward.protocol} dport ${forward.hostPort}`;
  const ipv6 = forward.hostIp.includes(':');
  const rules: string[] = [];
  if (!ipv6) rules.push(`${forward.hostIp === '' ? 'meta nfproto ipv4' : `ip daddr ${forward.hostIp}`} ${ports} dnat ip to ${forward.address}:${forward.containerPort}`);
  if (forward.address6 && (forward.hostIp === '' || ipv6)) {
    const destination = forward.hostIp === '' || forward.hostIp === '::' ? 'meta nfproto ipv6' : `ip6 daddr ${forward.hostIp}`;
    rules.push(`${destination} ${ports} dnat ip6 to [${forward.address6}]:${forward.containerPort}`);
  }
  return rules;
}

export interface PublishRules {
  /** Chains of their own, whole. */
  chains: string[];
  /** Rules at the head of the forward chain. */
  forward: string[];
  /** Rules of the postrouting chain, for the networks' bridges and subnets. */
  postrouting: string[];
}

export function publishRules(forwards: PortForward[], networks: Array<{ bridge: string; subnet: string; internal: boolean; subnet6?: string }>): PublishRules {
  if (forwards.length === 0) return { chains: [], forward: [], postrouting: [] };
  const chains = [
    '  chain localhost {',
    '    type filter hook prerouting priority raw; policy accept;',
    '    iifname != "lo" ip daddr 127.0.0.0/8 counter drop',
    '  }',
    '  chain published {',
    ...forwards.flatMap(forwardRules).map((rule) => `    ${rule}`),
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
    ...network.subnet6 ? [`oifname ${JSON.stringify(network.bridge)} ip6 saddr ${network.subnet6} ct status dnat masquerade`] : [],
  ]);
  return { chains, forward: ['ct status dnat accept'], postrouting };
}
