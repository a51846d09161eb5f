/**
 * The embedded DNS of user networks: one resolver on each user network's gateway address, made
 * to match the networks at every kernel sync (after the bridges, whose addresses it binds), and
 * answering from the live entities' states (resolveName), so that a connect, a disconnect, a
 * rename, a removal or a replay after a restart is seen by the next query.
 */
import type { NetworkRecord } from '../../events/network.js';
import { readHostResolvConf, resolvConfField } from '../../runtime/network/hostResolvers.js';
import { DnsServer, type NameLookup } from '../../runtime/network/dns/server.js';
import { processLogger } from '../../log/settings.js';

/** One resolver, started and stopped (runtime/network/dns/server.ts). */
export interface Resolver {
  start(): Promise<void>;
  stop(): void;
}

export type ResolverFactory = (address: string, lookup: NameLookup) => Resolver;

export const daemonResolver: ResolverFactory = (address, lookup) => new DnsServer(address, lookup, {
  onError: (error) => processLogger().debug('embedded DNS', { address, error }),
});

/** Answers a query given the host's resolvers (loopback ones included: the daemon reaches them). */
export type Resolve = (query: Parameters<NameLookup>[0], hostResolvers: string[]) => ReturnType<NameLookup>;

export class EmbeddedDns {
  private readonly servers = new Map<string, Resolver>();
  private hostResolvers: string[] = [];

  constructor(private readonly resolve: Resolve, private readonly factory: ResolverFactory = daemonResolver) {}

  /** Resolvers on the gateways of these networks' user networks, and on no other address. */
  async sync(records: NetworkRecord[]): Promise<void> {
    this.hostResolvers = resolvConfField(await readHostResolvConf(), 'nameserver');
    const wanted = new Set(records.filter((record) => !record.predefined).map((record) => record.gateway));
    for (const [address, server] of this.servers) {
      if (!wanted.has(address)) {
        server.stop();
        this.servers.delete(address);
      }
    }
    for (const address of wanted) {
      if (this.servers.has(address)) continue;
      const server = this.factory(address, (query) => this.resolve(query, this.hostResolvers));
      try {
        await server.start();
        this.servers.set(address, server);
      } catch (error) {
        processLogger().error('the embedded DNS could not listen', { address, error: error as Error });
      }
    }
  }

  stop(): void {
    for (const server of this.servers.values()) server.stop();
    this.servers.clear();
  }
}
