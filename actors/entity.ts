/**
 * One entity (a container or an image) as a live actor: an XState actor whose state is the fold
 * of the entity's events, a mailbox that handles its commands one at a time, and the sequence
 * of its last event for optimistic concurrency.
 */
import { createActor, initialTransition, transition, type AnyActorRef, type AnyStateMachine, type StateValue } from 'xstate';
import type { AnyEvent } from '../events/all.js';
import type { Kind } from '../events/envelope.js';
import { BerthError, ConcurrencyError, ConflictError } from '../events/errors.js';
import { describeInvalid, type EventStore, type InvalidEvent, type StoredEvent } from '../events/store.js';
import { eventSubject } from '../events/subjects.js';

/** What a kind contributes: its machine and its rules. */
export interface KindRules<State, Command> {
  kind: Kind;
  machine: AnyStateMachine;
  /** Returns the drafts of the events the command causes, or throws a classified error. */
  decide(state: State, command: Command): Array<{ type: string; data: unknown }>;
  /** The attributes every event of the entity carries (its name, image, labels). */
  attributes(state: State, draft: { type: string; data: unknown }): Record<string, string>;
  /**
   * The state in which the entity is retired: as if it did not exist (a removed container, a
   * released name), and kept only until compaction. Its snapshot is a tombstone that a start
   * leaves out (events/snapshots.ts); its entity is rebuilt when something names it again.
   */
  retiredStatus?: string;
}

/** Who asked, for the envelope. */
export interface CommandMeta {
  /** The command's id; event ids derive from it, so a retried command deduplicates. */
  id: string;
  correlation: string;
}

const MAX_RETRIES = 3;
/**
 * What a broken entity still accepts: its removal, and the reports of what the kernel did (a
 * removal's own reports among them). Its state past the invalid event is unknown, so nothing
 * else is decided on it.
 */
const ALLOWED_WHEN_BROKEN = /^(Remove|Delete|Report[A-Za-z]*)$/;
/** How many recent command ids an entity remembers, so that a resent command has one effect. */
const REMEMBERED_COMMANDS = 64;

/** What the host learns from an entity. */
export interface EntityHooks {
  /** Called after events of the entity were appended and applied. */
  appended?(entity: Entity<unknown, unknown>): void;
  /** Before an append: throws when the log may not take events of these types (it is nearly full). */
  admit?(types: string[]): Promise<void>;
}

export class Entity<State, Command> {
  /** Sequence of the entity's last event in the stream (0: none). */
  lastSeq = 0;
  /**
   * The machine's snapshot while the entity is not live: its initial one is made when first
   * needed, so that an entity restored from a snapshot (most of a start) never makes it.
   */
  private folded: ReturnType<typeof initialTransition>[0] | null = null;
  /** The value and context of the stored snapshot it was restored from, until it is resolved (`snapshot`). */
  private restored: { value: string; context: Record<string, unknown> } | null = null;
  /** The last state read, and the snapshot it was read from (a snapshot never changes). */
  private stateView: { from: object; state: State } | null = null;
  private actor: AnyActorRef | null = null;
  /** The machine with effects that start() named, for an actor made later (goLive). */
  private live: AnyStateMachine | null = null;
  private mailbox: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<() => void>();
  /** Ids of the commands whose events this entity has applied (the most recent ones). */
  private readonly handled = new Set<string>();
  /** True while an append is in flight: the host takes no checkpoint then. */
  appending = false;
  /**
   * The first invalid message found in the entity's history, if any: the entity is broken, its
   * state no longer known to be the fold of its events. It refuses every command but its
   * removal (ALLOWED_WHEN_BROKEN) and says why.
   */
  broken: InvalidEvent | null = null;

  constructor(
    private readonly rules: KindRules<State, Command>,
    readonly id: string,
    readonly host: string,
    private readonly store: EventStore,
    private readonly hooks: EntityHooks = {},
  ) {}

  /**
   * The machine's snapshot as replay folded it. One restored from a stored snapshot is resolved
   * by the machine only when a transition or an actor needs it: the state's readers need its
   * value and context alone (resolving 20,000 at a start took 90 ms).
   */
  private get snapshot(): ReturnType<typeof initialTransition>[0] {
    if (this.folded === null && this.restored !== null) this.folded = this.rules.machine.resolveState(this.restored);
    return this.folded ??= initialTransition(this.rules.machine, { id: this.id, host: this.host })[0];
  }

  private set snapshot(snapshot: ReturnType<typeof initialTransition>[0]) {
    this.folded = snapshot;
    this.restored = null;
  }

  /** The state value and context now: the actor's, or the snapshot's (unresolved, when restored). */
  private get current(): { value: unknown; context: Record<string, unknown> } {
    return (this.actor?.getSnapshot() ?? this.folded ?? this.restored ?? this.snapshot) as { value: unknown; context: Record<string, unknown> };
  }

  /** The kind of entity. */
  get kind(): Kind {
    return this.rules.kind;
  }

  /** Replay: folds one stored event through the machine's pure transition; runs no effect. */
  replay(stored: StoredEvent): void {
    this.snapshot = transition(this.rules.machine, this.snapshot, stored.event)[0];
    this.lastSeq = stored.seq;
    this.remember(stored.event.causation);
  }

  /**
   * An invalid message in the entity's history (a replay or a catch-up met it): the entity is
   * broken from now on; its sequence counts, so that an append (a removal) expects the
   * subject's real last sequence.
   */
  markInvalid(invalid: InvalidEvent): void {
    this.broken ??= invalid;
    this.lastSeq = Math.max(this.lastSeq, invalid.seq);
  }

  /** Why the entity refuses commands, when it is broken. */
  brokenMessage(): string | null {
    return this.broken ? `${this.rules.kind} ${this.id.slice(0, 12)} is unavailable: ${describeInvalid(this.broken)}; only its removal is allowed` : null;
  }

  /** Replay from a snapshot: the state as of event `seq`. */
  restore(value: string, context: Record<string, unknown>, seq: number): void {
    // A value that names no state of the machine is refused now, by the machine itself (replay
    // rebuilds that entity from its events); a known one is resolved when first needed.
    if (!isStateOf(this.rules.machine, value)) this.rules.machine.resolveState({ value, context });
    this.folded = null;
    this.restored = { value, context };
    this.lastSeq = seq;
    this.snapshotSeq = seq;
  }

  /** The sequence of the snapshot this entity was restored from (0: none). */
  snapshotSeq = 0;

  /** Whether the entity is retired now (KindRules.retiredStatus): read from the state value alone, with no copy of the state. */
  get retired(): boolean {
    return this.rules.retiredStatus !== undefined && this.current.value === this.rules.retiredStatus;
  }

  /** The state value and context to snapshot, as of `lastSeq`. */
  snapshotData(): { value: string; context: Record<string, unknown> } {
    const { value, context } = this.current;
    return { value: value as string, context };
  }

  /** Whether the command with this id has already had its effect here. */
  hasHandled(commandId: string): boolean {
    return this.handled.has(commandId);
  }

  private remember(commandId: string): void {
    this.handled.add(commandId);
    if (this.handled.size > REMEMBERED_COMMANDS) this.handled.delete(this.handled.values().next().value!);
  }

  /**
   * Goes live with the machine that has its effects provided; the current state's entry effects
   * do not rerun. A restored actor runs nothing by itself unless a state it is in has an
   * invocation or a delayed transition (`runsByItself`): an entity in any other state gets its
   * actor only when an event reaches it, and until then its state is its snapshot. berth's
   * machines have neither (their effects are entry and transition actions, and a start's
   * reconciliation re-arms what a state needs), so a start makes no actor at all: with 10,000
   * containers of history (7,000 exited, 3,000 tombstones) and 10,000 names, making them was
   * 0.7 s of it.
   */
  start(live: AnyStateMachine): void {
    this.live = live;
    if (runsByItself(this.rules.machine, this.current.value as StateValue)) this.goLive();
  }

  private goLive(): void {
    const snapshot = this.rules.machine.getPersistedSnapshot(this.snapshot);
    this.actor = createActor(this.live!, { snapshot, input: { id: this.id, host: this.host } });
    this.actor.subscribe(() => this.listeners.forEach((listener) => listener()));
    this.actor.start();
  }

  stop(): void {
    this.actor?.stop();
  }

  /**
   * The current state: the machine's context plus its state value as the status. Read again
   * only when the snapshot changed: a start's reconciliation reads every entity's state many
   * times, and copying a container's context each time was 65 ms of a start with 1,000.
   */
  get state(): State {
    const snapshot = this.current;
    // Frozen: one copy serves every reader, so none may change it.
    if (this.stateView?.from !== snapshot) this.stateView = { from: snapshot, state: Object.freeze(stateFrom<State>(snapshot.value, snapshot.context)) };
    return this.stateView.state;
  }

  /** Resolves once `predicate` holds for the state, or rejects after `timeoutMs`. */
  waitFor(predicate: (state: State) => boolean, timeoutMs: number): Promise<State> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate(this.state)) return;
        cleanup();
        resolve(this.state);
      };
      const timer = setTimeout(() => { cleanup(); reject(new BerthError(`timed out waiting for ${this.rules.kind} ${this.id.slice(0, 12)}`)); }, timeoutMs);
      const cleanup = () => { clearTimeout(timer); this.listeners.delete(check); };
      this.listeners.add(check);
      check();
    });
  }

  /** Decides, appends and applies one command; commands to this entity run one at a time. */
  execute(command: Command, meta: CommandMeta): Promise<AnyEvent[]> {
    const run = this.mailbox.then(() => this.handle(command, meta));
    this.mailbox = run.catch(() => {}); // the caller gets the failure through `run`; the queue goes on
    return run;
  }

  private async handle(command: Command, meta: CommandMeta): Promise<AnyEvent[]> {
    if (this.handled.has(meta.id)) return []; // a resent command: it had its effect already
    for (let attempt = 0; ; attempt++) {
      this.refuseIfBroken(command);
      const drafts = this.rules.decide(this.state, command);
      if (drafts.length === 0) return [];
      const time = Date.now();
      const before = this.state;
      // An event decided together with the entity's creation carries the creation's attributes.
      let attributes: Record<string, string> = {};
      const attributesOf = (draft: { type: string; data: unknown }) => {
        const own = this.rules.attributes(before, draft);
        attributes = Object.keys(own).length > 0 ? own : attributes;
        return attributes;
      };
      const events = drafts.map((draft, index) => ({
        ...draft,
        id: `${meta.id}.${index}`,
        host: this.host,
        kind: this.rules.kind,
        entity: this.id,
        time,
        causation: meta.id,
        correlation: meta.correlation,
        attributes: attributesOf(draft),
      })) as AnyEvent[];
      await this.hooks.admit?.(drafts.map((draft) => draft.type));
      this.appending = true;
      try {
        const stored = await this.store.append(events, this.lastSeq);
        for (const item of stored) this.apply(item);
        this.appending = false;
        this.hooks.appended?.(this as Entity<unknown, unknown>);
        return events;
      } catch (error) {
        this.appending = false;
        if (!(error instanceof ConcurrencyError) || attempt >= MAX_RETRIES) throw error;
        await this.catchUp();
      }
    }
  }

  private refuseIfBroken(command: Command): void {
    const message = this.brokenMessage();
    const { type } = command as { type: string };
    if (message && !ALLOWED_WHEN_BROKEN.test(type) && (this.state as { status?: string }).status !== 'removed') throw new ConflictError(message);
  }

  /** Applies an event that is already in the log to the live actor (once: a follower may have applied it). */
  private apply(stored: StoredEvent): void {
    if (stored.seq <= this.lastSeq) return;
    this.lastSeq = stored.seq;
    this.remember(stored.event.causation);
    if (!this.actor && this.live) this.goLive();
    if (this.actor) this.actor.send(stored.event);
    else this.replay(stored);
  }

  /** Reads what another writer appended since our last event. */
  private async catchUp(): Promise<void> {
    const subject = eventSubject(this.host, this.rules.kind, this.id);
    for await (const stored of this.store.read(subject, { fromSeq: this.lastSeq + 1 }, (invalid) => this.markInvalid(invalid))) {
      this.apply(stored);
    }
  }
}

/** An entity's state from a state value and context (a live snapshot, or a stored one): the context plus the value as its status. */
export function stateFrom<State>(value: unknown, context: Record<string, unknown>): State {
  return { ...context, status: value } as State;
}

type AnyStateNode = AnyStateMachine['root'];
/** Per machine and state value: whether it names states of the machine, and whether they run something by themselves. */
const knownStates = new WeakMap<AnyStateMachine, Map<string, { exists: boolean; runs: boolean }>>();

function stateOf(machine: AnyStateMachine, value: StateValue): { exists: boolean; runs: boolean } {
  let known = knownStates.get(machine);
  if (!known) knownStates.set(machine, (known = new Map()));
  const key = typeof value === 'string' ? value : JSON.stringify(value);
  let state = known.get(key);
  if (state === undefined) known.set(key, (state = walk(machine.root, value)));
  return state;
}

/**
 * Whether an actor of `machine` in the state `value` runs anything by itself once started: an
 * invocation or a delayed transition of a state node it is in (the root, each active node down
 * to the leaves, every region of a parallel state).
 */
export function runsByItself(machine: AnyStateMachine, value: StateValue): boolean {
  return stateOf(machine, value).runs;
}

/** Whether `value` names states of `machine` (each key a child of the node above). */
export function isStateOf(machine: AnyStateMachine, value: StateValue): boolean {
  return stateOf(machine, value).exists;
}

function walk(node: AnyStateNode | undefined, value: StateValue | undefined): { exists: boolean; runs: boolean } {
  if (!node) return { exists: false, runs: false };
  const here = node.invoke.length > 0 || node.after.length > 0;
  if (value === undefined) return { exists: true, runs: here };
  const below = typeof value === 'string' ? [walk(node.states[value], undefined)] : Object.entries(value).map(([child, v]) => walk(node.states[child], v));
  return { exists: below.every((b) => b.exists), runs: here || below.some((b) => b.runs) };
}
