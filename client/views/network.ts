/** `network inspect`'s Docker-shaped JSON (and the API's network list). Pure. */
import { createHash } from 'node:crypto';
import type { NetworkView } from '../../events/requests.js';

export function networkJson(n: NetworkView): Record<string, unknown> {
  return {
    Name: n.name,
    Id: n.id,
    Created: new Date(n.created).toISOString(),
    Scope: 'local',
    Driver: n.driver,
    EnableIPv6: n.subnet6 !== undefined,
    IPAM: { Driver: 'default', Options: {}, Config: [...n.subnet ? [{ Subnet: n.subnet, Gateway: n.gateway }] : [], ...n.subnet6 ? [{ Subnet: n.subnet6, Gateway: n.gateway6 }] : []] },
    Internal: n.internal,
    Attachable: false,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Containers: Object.fromEntries(n.endpoints.map((e) => [e.container, {
      Name: e.name, EndpointID: '', MacAddress: e.mac, IPv4Address: `${e.address}/${e.prefix}`, IPv6Address: e.address6 ? `${e.address6}/${e.prefix6}` : '',
    }])),
    Options: networkOptions(n),
    Labels: n.labels,
    Host: n.host,
  };
}

/**
 * The options a network was created with. Docker names a user network's bridge br-<id12> and
 * does not list it, so compose, which recreates a network whose options differ from its file's,
 * finds none it did not ask for; a bridge named otherwise (the default network's) is listed, as
 * Docker lists docker0.
 */
function networkOptions(n: NetworkView): Record<string, string> {
  const named = n.bridge && n.bridge !== `br-${n.id.slice(0, 12)}`;
  return { ...n.options, ...(named ? { 'com.docker.network.bridge.name': n.bridge } : {}) };
}

/**
 * Docker's built-in `host` and `none` networks, which berth has as network modes rather than
 * as network entities (security.network): listed and inspected as Docker shows them, unless
 * the daemon lists them itself. The id is fixed per host, as Docker's is per daemon.
 */
export function builtinNetworks(listed: NetworkView[], host: string): NetworkView[] {
  const builtin = (name: 'host' | 'none'): NetworkView => ({
    name, id: createHash('sha256').update(`${host}/${name}`).digest('hex'), host, driver: name === 'host' ? 'host' : 'null',
    created: 0, subnet: '', gateway: '', bridge: '', internal: false, labels: {}, options: {}, endpoints: [],
  });
  const names = new Set(listed.map((n) => n.name));
  return [...listed, ...(['host', 'none'] as const).filter((n) => !names.has(n)).map(builtin)];
}
