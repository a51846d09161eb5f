/**
 * The cluster's overlay networks as every host sees them: one ClusterNetwork per network, whose
 * events (its record subject and every host's claim subject, events/subjects.ts) every host
 * folds in the stream's order with one pure rule (clusterFold.ts), at start from the first
 * event and then live. Never snapshotted under a host's keys: each start folds the whole of
 * their history. A message that is no valid event, or that the rule refuses, changes nothing:
 * any host may write the record subjects, and a host's claims are judged, not trusted.
 */
import type { FenceStore } from '../../events/fenceStore.js';
import { replacementNamed } from '../../events/fence.js';
import { BerthError } from '../../events/errors.js';
import { reportInvalid, type EventStore, type StoredEvent } from '../../events/store.js';
import { clusterNetworkFilter, parseClusterSubject } from '../../events/subjects.js';
import type { Logger } from '../../log/logger.js';
import { ClusterNetwork } from './clusterNetwork.js';
import type { Takeover } from './clusterFold.js';
import { networkEntityId } from './state.js';

export interface ClusterNetworksDeps {
  host: string;
  store: EventStore;
  /** Runs after any cluster network changed, by this host or another. */
  changed(): void;
  /** The fence records, which name the replacements a takeover may lease (none: no cluster, no takeover). */
  fences?: Pick<FenceStore, 'readAll'>;
  log?: Logger;
}

export class ClusterNetworks {
  readonly entities = new Map<string, ClusterNetwork>();
  private follower: { stop(): Promise<void> } | null = null;
  /** The events followed, folded one after another (a takeover reads the fence records first). */
  private folding: Promise<void> = Promise.resolve();
  /** The sequence of the last event folded, and who waits for a later one. */
  private foldedSeq = 0;
  private waiters: Array<{ seq: number; resolve: () => void }> = [];

  constructor(private readonly deps: ClusterNetworksDeps) {}

  entity(id: string): ClusterNetwork {
    let entity = this.entities.get(id);
    if (!entity) {
      entity = new ClusterNetwork(id, { host: this.deps.host, store: this.deps.store, folded: (seq, timeoutMs) => this.folded(seq, timeoutMs) });
      this.entities.set(id, entity);
    }
    return entity;
  }

  byName(name: string): ClusterNetwork {
    return this.entity(networkEntityId(name));
  }

  present(): ClusterNetwork[] {
    return [...this.entities.values()].filter((n) => n.state.status === 'present');
  }

  /** Folds their history, then follows what any host appends. */
  async start(): Promise<void> {
    let last = 0;
    for await (const stored of this.deps.store.read(clusterNetworkFilter(), {}, reportInvalid)) {
      await this.fold(stored);
      last = stored.seq;
    }
    this.follower = await this.deps.store.follow(clusterNetworkFilter(), { fromSeq: last + 1 }, (stored) => {
      this.folding = this.folding.then(() => this.fold(stored)).then(() => this.deps.changed())
        .catch((error: Error) => this.deps.log?.error('folding a cluster network event failed', { seq: stored.seq, error }));
    }, reportInvalid);
  }

  private async fold(stored: StoredEvent): Promise<void> {
    const where = parseClusterSubject(stored.subject ?? '');
    if (where) {
      const takeover = where.claimant !== null && stored.event.type === 'network.connected' && stored.event.data.replaces !== undefined
        ? await this.takeoverOf(stored.event.data.container) : undefined;
      const ignored = this.entity(where.network).fold(stored, where.claimant, takeover);
      if (ignored) this.deps.log?.debug('cluster network event ignored', { seq: stored.seq, subject: stored.subject, type: stored.event.type, why: ignored });
    }
    this.foldedSeq = Math.max(this.foldedSeq, stored.seq);
    const [due, later] = [this.waiters.filter((w) => w.seq <= this.foldedSeq), this.waiters.filter((w) => w.seq > this.foldedSeq)];
    this.waiters = later;
    due.forEach((w) => w.resolve());
  }

  /** What the fence records say of a container: the replacement it is, if any. */
  private async takeoverOf(container: string): Promise<Takeover | undefined> {
    return replacementNamed((await this.deps.fences?.readAll() ?? []).map((stored) => stored.record), container);
  }

  /** Resolves once every event up to `seq` is folded. */
  private folded(seq: number, timeoutMs: number): Promise<void> {
    if (this.foldedSeq >= seq) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = { seq, resolve: () => { clearTimeout(timer); resolve(); } };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new BerthError(`the cluster network event at seq ${seq} did not come back from the log within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  async stop(): Promise<void> {
    await this.follower?.stop().catch(() => {});
  }
}
