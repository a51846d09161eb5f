import t from 'tap';
import { assign, createMachine, fromCallback, setup, type AnyStateMachine } from 'xstate';
import { MemoryEventStore } from '../memory/eventStore.js';
import { Entity, isStateOf, runsByItself, type KindRules } from './entity.js';
import { containerRules, imageRules, nameRules, networkRules, volumeRules } from './rules.js';

t.test('runsByItself: an invocation or a delayed transition of a state the actor is in', async (t) => {
  const machine = createMachine({
    initial: 'idle',
    states: {
      idle: {},
      waiting: { after: { 1000: 'idle' } },
      calling: { invoke: { src: 'somebody' } },
      nested: { initial: 'quiet', states: { quiet: {}, ticking: { after: { 10: 'quiet' } } } },
      both: { type: 'parallel', states: { left: { initial: 'l', states: { l: {} } }, right: { initial: 'r', states: { r: {}, timed: { after: { 5: 'r' } } } } } },
    },
  });
  t.notOk(runsByItself(machine, 'idle'));
  t.ok(runsByItself(machine, 'waiting'));
  t.ok(runsByItself(machine, 'calling'));
  t.notOk(runsByItself(machine, { nested: 'quiet' }));
  t.ok(runsByItself(machine, { nested: 'ticking' }));
  t.notOk(runsByItself(machine, { both: { left: 'l', right: 'r' } }));
  t.ok(runsByItself(machine, { both: { left: 'l', right: 'timed' } }), 'one region is enough');
  t.notOk(runsByItself(machine, 'nosuchstate'));
  t.ok(isStateOf(machine, 'idle'));
  t.ok(isStateOf(machine, { nested: 'ticking' }));
  t.ok(isStateOf(machine, { both: { left: 'l', right: 'timed' } }));
  t.notOk(isStateOf(machine, 'nosuchstate'));
  t.notOk(isStateOf(machine, { nested: 'nosuchstate' }));
  t.notOk(isStateOf(machine, { both: { left: 'l', right: 'nosuchstate' } }));
  const root = createMachine({ after: { 10: {} }, initial: 'a', states: { a: {} } });
  t.ok(runsByItself(root, 'a'), 'the root counts');
  // berth's own machines: nothing runs by itself in any state, so a start makes no actor.
  for (const rules of [containerRules, imageRules, volumeRules, nameRules, networkRules]) {
    for (const state of Object.keys(rules.machine.root.states)) t.notOk(runsByItself(rules.machine, state), `${rules.kind}: ${state}`);
  }
});

interface CounterState { id: string; host: string; count: number; status: string }
const rules = (machine: AnyStateMachine): KindRules<CounterState, { type: 'Bump' }> => ({
  kind: 'volume',
  machine,
  decide: () => [{ type: 'volume.unmounted', data: { container: 'c' } }],
  attributes: () => ({}),
});

t.test('an entity gets its actor at start only when its state runs something by itself; else at its first event', async (t) => {
  const noted: string[] = [];
  const machine: AnyStateMachine = setup({
    types: { context: {} as { id: string; host: string; count: number }, input: {} as { id: string; host: string } },
    actions: { note: () => {} },
    actors: { caller: fromCallback(() => {}) },
  }).createMachine({
    context: ({ input }) => ({ ...input, count: 0 }),
    initial: 'quiet',
    states: {
      quiet: { on: { 'volume.unmounted': { target: 'calling', actions: [assign({ count: ({ context }) => context.count + 1 }), 'note'] } } },
      calling: { invoke: { src: 'caller' } },
    },
  });
  // The machine with its effects: the action notes, the invocation notes that it started.
  const live = machine.provide({
    actions: { note: () => { noted.push('transition'); } },
    actors: { caller: fromCallback(() => { noted.push('invoked'); }) },
  });
  const store = new MemoryEventStore();
  const entity = new Entity(rules(machine), 'v1', 'h1', store);
  entity.start(live);
  t.equal(entity.state.status, 'quiet', 'its state is its snapshot');
  await entity.execute({ type: 'Bump' }, { id: 'c1', correlation: 'c1' });
  t.match(entity.state, { status: 'calling', count: 1 }, 'the first event made the actor, which applied it');
  t.same(noted, ['transition', 'invoked'], 'with the effects of the live machine');

  // Restored in the invoking state: the actor is made at start, and the invocation runs.
  noted.length = 0;
  const restored = new Entity(rules(machine), 'v1', 'h1', store);
  restored.replay((await collect(store)).at(-1)!);
  t.equal(restored.state.status, 'calling');
  t.same(noted, [], 'a replay runs nothing');
  restored.start(live);
  t.same(noted, ['invoked'], 'a restored invoking state goes live at start');
  entity.stop();
  restored.stop();
});

async function collect(store: MemoryEventStore) {
  const out = [];
  for await (const stored of store.read('berth.evt.h1.volume.v1', { fromSeq: 1 })) out.push(stored);
  return out;
}

t.test('a restored snapshot is resolved when first needed, and one naming no state is refused at once', async (t) => {
  const entity = new Entity(containerRules, 'c'.repeat(64), 'h1', new MemoryEventStore());
  t.throws(() => entity.restore('no-such-state', { id: 'c'.repeat(64), host: 'h1' }, 3), /no-such-state/, 'as the machine refuses it');
  const context = { ...(new Entity(containerRules, 'd'.repeat(64), 'h1', new MemoryEventStore())).snapshotData().context, restartCount: 4 };
  entity.restore('exited', context, 7);
  t.match(entity.state, { status: 'exited', restartCount: 4 });
  t.equal(entity.lastSeq, 7);
  t.same(entity.snapshotData(), { value: 'exited', context });
});
