/** A container's NetworkSettings and NetworkMode, as `docker inspect` shows them. Pure. */
import type { ContainerView } from '../../events/requests.js';
import { portsJson } from './ports.js';

export function networkMode(v: ContainerView): string {
  const networking = v.config.networking;
  if (!networking) return v.config.security?.network ?? 'none';
  if (networking.mode === 'container') return `container:${networking.container}`;
  return networking.networks[0]?.network ?? 'none';
}

export function networkSettingsJson(v: ContainerView): { NetworkSettings: object } {
  const networks = v.networks ?? [];
  const first = networks[0];
  return {
    NetworkSettings: {
      Bridge: '',
      SandboxID: '',
      SandboxKey: v.pid ? `/proc/${v.pid}/ns/net` : '',
      Ports: portsJson(v),
      Gateway: first?.gateway ?? '',
      IPAddress: first?.address ?? '',
      IPPrefixLen: first?.prefix ?? 0,
      IPv6Gateway: first?.gateway6 ?? '',
      GlobalIPv6Address: first?.address6 ?? '',
      GlobalIPv6PrefixLen: first?.prefix6 ?? 0,
      MacAddress: first?.mac ?? '',
      Networks: Object.fromEntries(networks.map((n) => [n.name, {
        IPAMConfig: null,
        Links: null,
        Aliases: n.aliases.length > 0 ? n.aliases : null,
        NetworkID: n.networkId,
        EndpointID: '',
        Gateway: n.gateway,
        IPAddress: n.address,
        IPPrefixLen: n.prefix,
        IPv6Gateway: n.gateway6 ?? '',
        GlobalIPv6Address: n.address6 ?? '',
        GlobalIPv6PrefixLen: n.prefix6 ?? 0,
        MacAddress: n.mac,
        DNSNames: [v.config.name, v.id.slice(0, 12), ...n.aliases],
      }])),
    },
  };
}
