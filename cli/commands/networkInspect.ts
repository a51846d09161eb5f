/** `berth network inspect`: Docker-shaped JSON. */
import type { NetworkView } from '../../events/requests.js';
import { connectClient, type GlobalOptions } from '../client.js';
import { inspectEach } from './each.js';

export function networkJson(n: NetworkView): object {
  return {
    Name: n.name,
    Id: n.id,
    Created: new Date(n.created).toISOString(),
    Scope: 'local',
    Driver: n.driver,
    EnableIPv6: false,
    IPAM: { Driver: 'default', Options: {}, Config: [{ Subnet: n.subnet, Gateway: n.gateway }] },
    Internal: n.internal,
    Attachable: false,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Containers: Object.fromEntries(n.endpoints.map((e) => [e.container, {
      Name: e.name, EndpointID: '', MacAddress: e.mac, IPv4Address: `${e.address}/${e.prefix}`, IPv6Address: '',
    }])),
    Options: { ...n.options, 'com.docker.network.bridge.name': n.bridge },
    Labels: n.labels,
    Host: n.host,
  };
}

export default async function networkInspect(refs: string[], _opts: object, globals: GlobalOptions): Promise<number> {
  const client = await connectClient(globals);
  try {
    return await inspectEach(refs, async (ref) => networkJson(await client.request({ op: 'network.inspect', ref })));
  } finally {
    await client.close();
  }
}
