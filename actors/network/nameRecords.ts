/**
 * Docker's embedded DNS rules, for the resolver on a user network's gateway: a container asking
 * finds, on every user network it shares with them, the containers that are up by name, by short
 * id (12 hex) and by their aliases, each also as NAME.NETWORK (A, and AAAA on an IPv6 network), and their addresses' names (PTR,
 * in-addr.arpa and ip6.arpa).
 * Any other name goes to the asker's --dns servers, else the host's; an internal network forwards
 * nothing; an asker that is no container of the network learns no name. Pure: the records are the networks' endpoints (the log) and the containers' states.
 */
import { hasStatusTag } from '../../events/containerStatus.js';
import type { Resolution } from '../../runtime/network/dns/server.js';
import { TYPE_A, TYPE_AAAA, TYPE_PTR, type Answer } from '../../runtime/network/dns/message.js';
import { formatAddress6, parseAddress6 } from './addresses6.js';
import type { NetworkState } from './state.js';

/** What the rules need of a container. */
export interface NamedContainer {
  /** Its current name (after renames). */
  name: string;
  status: string;
  /** --dns: its own upstream resolvers. */
  dns: string[];
}

export interface NameQuery {
  /** The resolver's address: a user network's gateway. */
  listen: string;
  /** The asker's address. */
  client: string;
  /** Lower case, no trailing dot. */
  name: string;
  type: number;
}

const REVERSE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.in-addr\.arpa$/;
const REVERSE6 = /^((?:[0-9a-f]\.){32})ip6\.arpa$/;

/** The address a reverse name stands for, in the form endpoints keep (dotted, or RFC 5952's); null for any other name. */
function reverseAddress(name: string): { address: string; family: 4 | 6 } | null {
  const v4 = REVERSE.exec(name);
  if (v4) return { address: v4.slice(1, 5).reverse().join('.'), family: 4 };
  const v6 = REVERSE6.exec(name);
  return v6 ? { address: formatAddress6(BigInt(`0x${v6[1].split('.').reverse().join('')}`)), family: 6 } : null;
}

/** An IPv6 address as endpoints keep it (they keep the canonical form; this guards a stray one). */
const canonical6 = (address: string | undefined) => {
  const value = address === undefined ? null : parseAddress6(address);
  return value === null ? undefined : formatAddress6(value);
};

export function resolveName(
  query: NameQuery,
  networks: NetworkState[],
  containers: (id: string) => NamedContainer | undefined,
  hostResolvers: string[],
): Resolution {
  const users = networks.filter((network) => network.status === 'present' && !network.record!.predefined);
  const network = users.find((candidate) => candidate.record!.gateway === query.listen);
  if (!network) return { kind: 'refused' };
  const asker = Object.values(network.endpoints).find((endpoint) => endpoint.address === query.client)?.container;
  // Only a container of the network learns names (the gateway is reachable from elsewhere too).
  const scope = asker ? users.filter((candidate) => candidate.endpoints[asker]) : [];
  const up = (id: string) => {
    const container = containers(id);
    return container && hasStatusTag(container.status, 'up') ? container : undefined;
  };

  const reverse = reverseAddress(query.name);
  if (reverse && query.type === TYPE_PTR) {
    const { address, family } = reverse;
    for (const candidate of scope) {
      const endpoint = Object.values(candidate.endpoints).find((e) => (family === 4 ? e.address : canonical6(e.address6)) === address);
      const container = endpoint && up(endpoint.container);
      if (container) return { kind: 'local', answers: [{ type: TYPE_PTR, name: `${container.name}.${candidate.record!.name}` }] };
    }
  } else {
    const addresses: string[] = [];
    const answers: Answer[] = [];
    for (const candidate of scope) {
      const suffix = `.${candidate.record!.name.toLowerCase()}`;
      const bare = query.name.endsWith(suffix) ? query.name.slice(0, -suffix.length) : null;
      const named = (name: string) => { const lower = name.toLowerCase(); return lower === query.name || lower === bare; };
      for (const endpoint of Object.values(candidate.endpoints)) {
        if (addresses.includes(endpoint.address)) continue;
        const shortId = endpoint.container.slice(0, 12);
        if (!named(shortId) && !endpoint.aliases.some(named) && !(containers(endpoint.container) && named(containers(endpoint.container)!.name))) continue;
        if (!up(endpoint.container)) continue;
        addresses.push(endpoint.address);
        answers.push({ type: TYPE_A, address: endpoint.address }, ...endpoint.address6 ? [{ type: TYPE_AAAA, address: endpoint.address6 } as const] : []);
      }
    }
    // A name of the network answers for both types: a container without an IPv6 address gets an empty AAAA answer, not a forward.
    if (answers.length > 0) return { kind: 'local', answers };
  }
  if (network.record!.internal) return { kind: 'refused' };
  const own = asker ? containers(asker)?.dns ?? [] : [];
  return { kind: 'forward', servers: own.length > 0 ? own : hostResolvers };
}
