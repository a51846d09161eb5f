/**
 * berth's one nftables table (`inet berth`) for a set of networks, as an `nft -f` script that
 * replaces the whole table in one transaction: a table left behind by a crash is replaced, and a
 * removed network's rules go with the next apply. Docker's and podman's tables are never touched
 * and never relied on. Pure.
 *
 * Like netavark: masquerade what leaves a network's subnet (IPv4, and IPv6 for an IPv6 network,
 * as netavark and Docker 27 do for ULA subnets) for another link, keep networks apart, and an
 * internal network talks only within its bridge. The forward rules match links, so both families.
 */
import type { KernelNetwork } from './kernel.js';
import { publishRules, type PortForward } from './nftPorts.js';

export const TABLE = 'inet berth';

const quote = (name: string) => JSON.stringify(name);

export function nftRuleset(networks: KernelNetwork[], forwards: PortForward[] = []): string {
  const lines = [`table ${TABLE}`, `delete table ${TABLE}`];
  if (networks.length === 0) return lines.join('\n') + '\n';
  const published = publishRules(forwards, networks);
  const forward: string[] = [...published.forward];
  const postrouting: string[] = [...published.postrouting];
  for (const network of networks) {
    const bridge = quote(network.bridge);
    const others = networks.filter((other) => other.bridge !== network.bridge).map((other) => quote(other.bridge));
    if (network.internal) {
      forward.push(`iifname ${bridge} oifname != ${bridge} drop`, `oifname ${bridge} iifname != ${bridge} drop`);
      continue;
    }
    if (others.length > 0) forward.push(`iifname ${bridge} oifname { ${others.join(', ')} } drop`);
    forward.push(`oifname ${bridge} ct state established,related accept`, `iifname ${bridge} accept`);
    postrouting.push(`ip saddr ${network.subnet} oifname != ${bridge} masquerade`);
    if (network.subnet6) postrouting.push(`ip6 saddr ${network.subnet6} oifname != ${bridge} masquerade`);
  }
  lines.push(
    `table ${TABLE} {`,
    ...published.chains,
    '  chain forward {',
    '    type filter hook forward priority filter; policy accept;',
    ...forward.map((rule) => `    ${rule}`),
    '  }',
    '  chain postrouting {',
    '    type nat hook postrouting priority srcnat; policy accept;',
    ...postrouting.map((rule) => `    ${rule}`),
    '  }',
    '}',
  );
  return lines.join('\n') + '\n';
}
