/**
 * One cluster network as this host sees it and writes it: its state is the fold of its events
 * in stream order (clusterFold.ts), and nothing else; a command is decided on that state,
 * appended (a creation or removal on the record subject, a lease on this host's own claim
 * subject), and has happened once the fold, having read everything before it, took it. A claim
 * another host's earlier claim beat is decided and claimed again.
 */
import type { AnyEvent } from '../../events/all.js';
import { BerthError, ConcurrencyError, ConflictError } from '../../events/errors.js';
import type { NetworkCommand, NetworkEvent } from '../../events/network.js';
import type { EventStore, StoredEvent } from '../../events/store.js';
import { CLUSTER_SCOPE, clusterClaimEntity, eventSubject } from '../../events/subjects.js';
import type { CommandMeta } from '../entity.js';
import { networkRules } from '../rules.js';
import { foldClusterEvent, type Takeover } from './clusterFold.js';
import { decideNetwork } from './decide.js';
import { initialNetworkData, type NetworkState } from './state.js';

/** How many times a command is decided and appended again after another host's event won. */
const MAX_TRIES = 5;
/** How long an append may take to come back through the fold. */
const FOLD_TIMEOUT_MS = 30_000;
const REMEMBERED_COMMANDS = 64;

export interface ClusterNetworkDeps {
  host: string;
  store: EventStore;
  /** Resolves once the fold has taken every event up to `seq`. */
  folded(seq: number, timeoutMs: number): Promise<void>;
}

export class ClusterNetwork {
  state: NetworkState;
  /** The last sequence of each of its subjects, as folded: what an append there expects. */
  private readonly lastSeqs = new Map<string, number>();
  private mailbox: Promise<unknown> = Promise.resolve();
  /** Ids of the commands whose events took effect (the most recent ones): a resent command has one effect. */
  private readonly handled = new Set<string>();
  private readonly listeners = new Set<() => void>();

  constructor(readonly id: string, private readonly deps: ClusterNetworkDeps) {
    this.state = { ...initialNetworkData({ id, host: CLUSTER_SCOPE }), status: 'none' };
  }

  /** One event of the stream, in order; returns why it was ignored, if it was. */
  fold(stored: StoredEvent, claimant: string | null, takeover?: Takeover): string | undefined {
    if (stored.subject) this.lastSeqs.set(stored.subject, stored.seq);
    const folded = stored.event.kind === 'network' ? foldClusterEvent(this.state, stored.event as NetworkEvent, claimant, takeover) : { state: this.state, ignored: 'not a network event' };
    if (!folded.ignored) {
      this.state = folded.state;
      this.handled.add(stored.event.causation);
      if (this.handled.size > REMEMBERED_COMMANDS) this.handled.delete(this.handled.values().next().value!);
    }
    this.listeners.forEach((listener) => listener());
    return folded.ignored;
  }

  /** Decides, appends and waits for the fold; commands to this network run one at a time. */
  execute(command: NetworkCommand, meta: CommandMeta): Promise<AnyEvent[]> {
    const run = this.mailbox.then(() => this.handle(command, meta));
    this.mailbox = run.catch(() => {});
    return run;
  }

  private async handle(command: NetworkCommand, meta: CommandMeta): Promise<AnyEvent[]> {
    if (this.handled.has(meta.id)) return [];
    for (let attempt = 0; ; attempt++) {
      const drafts = decideNetwork(this.state, command);
      if (drafts.length === 0) return [];
      const onRecord = command.type === 'Create' || command.type === 'Remove';
      const entity = onRecord ? this.id : clusterClaimEntity(this.id, this.deps.host);
      const subject = eventSubject(CLUSTER_SCOPE, 'network', entity);
      const expected = this.lastSeqs.get(subject) ?? 0;
      const time = Date.now();
      const events = drafts.map((draft, index) => ({
        ...draft,
        // A claim that lost is claimed again under new ids: the stream dedupes by id.
        id: attempt === 0 ? `${meta.id}.${index}` : `${meta.id}.try${attempt}.${index}`,
        host: CLUSTER_SCOPE, kind: 'network', entity, time, causation: meta.id, correlation: meta.correlation,
        attributes: networkRules.attributes(this.state, draft),
      })) as AnyEvent[];
      try {
        const stored = await this.deps.store.append(events, expected);
        await this.deps.folded(stored.at(-1)!.seq, FOLD_TIMEOUT_MS);
      } catch (error) {
        if (!(error instanceof ConcurrencyError) || attempt >= MAX_TRIES) throw error;
        // Another writer's event on the subject: the fold brings it, then decide again.
        await this.until(() => (this.lastSeqs.get(subject) ?? 0) !== expected, FOLD_TIMEOUT_MS);
        continue;
      }
      if (this.tookEffect(command)) return events;
      if (attempt >= MAX_TRIES) throw new ConflictError(`network ${this.state.record?.name ?? this.id.slice(0, 12)}: other hosts' claims won ${MAX_TRIES + 1} times; try again`);
    }
  }

  /** Whether the fold made of the command what it asked. */
  private tookEffect(command: NetworkCommand): boolean {
    switch (command.type) {
      case 'Create': return this.state.status === 'present' && this.state.record?.networkId === command.record.networkId;
      case 'Remove': return this.state.status === 'removed';
      case 'Connect': return this.state.endpoints[command.container]?.host === this.deps.host;
      case 'Disconnect': return !this.state.endpoints[command.container];
    }
  }

  private until(predicate: () => boolean, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => { if (predicate()) { cleanup(); resolve(); } };
      const timer = setTimeout(() => { cleanup(); reject(new BerthError(`timed out reading network ${this.id.slice(0, 12)} from the log`)); }, timeoutMs);
      const cleanup = () => { clearTimeout(timer); this.listeners.delete(check); };
      this.listeners.add(check);
      check();
    });
  }
}
