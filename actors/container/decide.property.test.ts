/**
 * decide/evolve invariants over random command sequences (legal and not): decide throws only
 * classified errors; every event it produces is valid and accepted by the machine in the state
 * it was decided in; folding the log through the pure transition() equals the live actor's
 * state; and a replay of any prefix of the log never throws and equals the state at that point.
 */
import fc from 'fast-check';
import t from 'tap';
import { initialTransition, transition } from 'xstate';
import { AnyEvent } from '../../events/all.js';
import { decode, encode } from '../../events/codec.js';
import type { ContainerCommand, ContainerConfig } from '../../events/container.js';
import { BerthError, ConcurrencyError } from '../../events/errors.js';
import type { EventStore, StoredEvent } from '../../events/store.js';
import { check } from '../../test/helpers/fuzz.js';
import { Entity } from '../entity.js';
import { containerRules } from '../rules.js';
import { containerMachine } from './machine.js';
import type { ContainerState } from './state.js';

/** The log in memory, through the real codec, with the expected-sequence check. */
class MemoryStore implements EventStore {
  readonly log: StoredEvent[] = [];
  async append(events: AnyEvent[], expectedLastSeq: number): Promise<StoredEvent[]> {
    const last = this.log.at(-1)?.seq ?? 0;
    if (last !== expectedLastSeq) throw new ConcurrencyError(`expected ${expectedLastSeq}, at ${last}`);
    return events.map((event) => {
      const stored = { seq: this.log.length + 1, event: decode(AnyEvent, encode(AnyEvent, event)) };
      this.log.push(stored);
      return stored;
    });
  }
  async *read(): AsyncIterable<StoredEvent> { yield* this.log; }
  async purge(): Promise<void> {}
  async follow(): Promise<{ stop(): Promise<void> }> { return { stop: async () => {} }; }
}

const ID = 'c'.repeat(64);
const config = (over: Partial<ContainerConfig>): ContainerConfig => ({
  name: 'ctr', image: 'b'.repeat(64), imageRef: 'busybox', cmd: ['sh'], env: [], workingDir: '', hostname: 'h', autoRemove: false, labels: {}, ...over,
});
const policy = fc.option(fc.record({ name: fc.constantFrom('no', 'on-failure', 'always', 'unless-stopped'), maximumRetryCount: fc.nat(3) }), { nil: undefined });
const execId = fc.constantFrom('1'.repeat(64), '2'.repeat(64));
const command: fc.Arbitrary<ContainerCommand> = fc.oneof(
  fc.record({ type: fc.constant('Create'), config: fc.record({ autoRemove: fc.boolean(), restartPolicy: policy, healthcheck: fc.option(fc.constant({ test: ['CMD', 'true'], intervalMs: 1000, timeoutMs: 1000, startPeriodMs: 0, retries: 3 }), { nil: undefined }) }).map((over) => config(over as Partial<ContainerConfig>)) }),
  fc.record({ type: fc.constant('Start'), byRestartPolicy: fc.option(fc.boolean(), { nil: undefined }) }),
  fc.record({ type: fc.constant('Stop'), timeoutSeconds: fc.nat(10) }),
  fc.record({ type: fc.constant('Kill'), signal: fc.constantFrom('SIGKILL', 'SIGHUP') }),
  fc.record({ type: fc.constant('Remove'), force: fc.boolean() }),
  fc.record({ type: fc.constant('ReportStarted'), pid: fc.integer({ min: 2, max: 99999 }), shimPid: fc.integer({ min: 2, max: 99999 }) }),
  fc.record({ type: fc.constant('ReportStartFailed'), exitCode: fc.constantFrom(125, 126, 127), error: fc.string({ maxLength: 8 }) }),
  fc.record({ type: fc.constant('ReportExited'), exitCode: fc.integer({ min: 0, max: 255 }), signal: fc.option(fc.constantFrom(9, 15)), oomKilled: fc.boolean(), at: fc.option(fc.nat(100_000), { nil: undefined }) }),
  fc.record({ type: fc.constant('ReportRemoved') }),
  fc.record({ type: fc.constant('Pause') }),
  fc.record({ type: fc.constant('Unpause') }),
  fc.record({ type: fc.constant('Exec'), exec: fc.record({ execId, cmd: fc.constant(['true']), env: fc.constant([]), workingDir: fc.constant(''), user: fc.constant('') }) }),
  fc.record({ type: fc.constant('ReportExecStarted'), execId, pid: fc.nat(9999) }),
  fc.record({ type: fc.constant('ReportExecExited'), execId, exitCode: fc.nat(255) }),
  fc.record({ type: fc.constant('ReportHealth'), status: fc.constantFrom('healthy', 'unhealthy', 'starting'), failingStreak: fc.nat(5), output: fc.constant('') }),
  fc.record({ type: fc.constant('Rename'), name: fc.constantFrom('ctr', 'other', 'third') }),
  fc.record({ type: fc.constant('Update'), changes: fc.record({ memoryBytes: fc.option(fc.integer({ min: 1, max: 2 ** 30 }), { nil: undefined }), restartPolicy: policy }) }),
) as fc.Arbitrary<ContainerCommand>;

type Snap = ReturnType<typeof initialTransition>[0];
const stateOf = (s: Snap): ContainerState => ({ ...(s.context as object), status: s.value } as ContainerState);
const fold = (events: StoredEvent[]): Snap => {
  let snapshot = initialTransition(containerMachine, { id: ID, host: 'h' })[0];
  for (const stored of events) snapshot = transition(containerMachine, snapshot, stored.event as never)[0];
  return snapshot;
};

t.test('random command sequences: the folded log equals the live state, at every prefix', (t) =>
  check(t, 'decide/evolve', 400, fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 60 }), async (commands) => {
    const store = new MemoryStore();
    const live = new Entity(containerRules, ID, 'h', store);
    live.start(containerMachine); // a live XState actor (the effects are no-ops here)
    const statesAfter: Array<[number, ContainerState]> = [];
    let n = 0;
    for (const cmd of commands) {
      const before = live.state;
      let events: AnyEvent[] = [];
      try {
        events = await live.execute(cmd, { id: `cmd-${++n}`, correlation: 'fuzz' });
      } catch (error) {
        if (!(error instanceof BerthError) || error instanceof ConcurrencyError) throw new Error(`${cmd.type} in ${before.status} threw ${(error as Error).name}: ${(error as Error).message}`);
        continue;
      }
      // Every event decided is one the machine takes in the state it was decided in.
      let snapshot = fold(store.log.slice(0, store.log.length - events.length));
      for (const event of events) {
        if (!snapshot.can(event as never)) throw new Error(`${cmd.type} in ${stateOf(snapshot).status} decided ${event.type}, which the machine ignores there`);
        snapshot = transition(containerMachine, snapshot, event as never)[0];
      }
      statesAfter.push([store.log.length, live.state]);
    }
    // The whole fold equals the live actor, and every prefix replays to the state recorded then.
    if (JSON.stringify(stateOf(fold(store.log))) !== JSON.stringify(live.state)) throw new Error('the folded log differs from the live state');
    for (const [length, state] of statesAfter) {
      const replayed = new Entity(containerRules, ID, 'h', store);
      for (const stored of store.log.slice(0, length)) replayed.replay(stored);
      if (JSON.stringify(replayed.state) !== JSON.stringify(state)) throw new Error(`prefix ${length}: replay ${JSON.stringify(replayed.state)} != live ${JSON.stringify(state)}`);
    }
    // A replay of any cut of the log (even mid-command) never throws.
    for (let cut = 0; cut <= store.log.length; cut++) fold(store.log.slice(0, cut));
    live.stop();
  })));
