import t from 'tap';
import { initialTransition, transition } from 'xstate';
import type { Draft } from '../../events/envelope.js';
import { ConflictError, ValidationError } from '../../events/errors.js';
import type { NameCommand, NameEvent } from '../../events/name.js';
import { decideName } from './decide.js';
import { nameMachine } from './machine.js';
import { nameEntityId, type NameState } from './state.js';

const id = nameEntityId('container', 'web');
const a = 'a'.repeat(64);
const b = 'b'.repeat(64);
const claim = (owner: string, replacing?: string): NameCommand =>
  ({ type: 'Claim', namespace: 'container', name: 'web', owner, ...(replacing ? { replacing } : {}) });
const claimed = (owner: string): Draft<NameEvent> => ({ type: 'name.claimed', data: { namespace: 'container', name: 'web', owner } });
const released = (owner: string): Draft<NameEvent> => ({ type: 'name.released', data: { namespace: 'container', name: 'web', owner } });

let seq = 0;
/** Folds the drafts through the machine (pure) into the state decide sees. */
function given(...drafts: Draft<NameEvent>[]): NameState {
  let snapshot = initialTransition(nameMachine, { id, host: 'h1' })[0];
  for (const draft of drafts) {
    const event = { ...draft, id: `e${++seq}`, host: 'h1', kind: 'name', entity: id, time: 1000 + seq, causation: 'c', correlation: 'c', attributes: {} } as NameEvent;
    snapshot = transition(nameMachine, snapshot, event)[0];
  }
  return { ...snapshot.context, status: snapshot.value as NameState['status'] };
}

/** Decides and folds the outcome in, as the entity runtime does. */
function then(state: NameState, command: NameCommand): NameState {
  const drafts = decideName(state, command);
  let snapshot = nameMachine.resolveState({ value: state.status, context: state });
  for (const draft of drafts) snapshot = transition(nameMachine, snapshot, { ...draft, id: `e${++seq}`, host: 'h1', kind: 'name', entity: id, time: 1000 + seq, causation: 'c', correlation: 'c', attributes: {} } as NameEvent)[0];
  return { ...snapshot.context, status: snapshot.value as NameState['status'] };
}

t.test('given a name never claimed, when one claims it, then it is claimed for that one', async (t) => {
  t.same(decideName(given(), claim(a)), [claimed(a)]);
  t.equal(then(given(), claim(a)).owner, a);
});

t.test('given a name claimed by a, when a claims it again, then nothing new is recorded', async (t) => {
  t.same(decideName(given(claimed(a)), claim(a)), []);
});

t.test('given a name claimed by a, when b claims it, then it is a conflict naming a', async (t) => {
  t.throws(() => decideName(given(claimed(a)), claim(b)), ConflictError);
  t.throws(() => decideName(given(claimed(a)), claim(b)), { message: `Conflict. The container name "/web" is already in use by container "${a}". You have to remove (or rename) that container to be able to reuse that name.` });
});

t.test('given two creators racing for one name, when both claim in turn, then exactly one holds it', async (t) => {
  // The entity runtime decides one command at a time, and a concurrent writer is re-decided on the tail.
  let state = given();
  const outcomes = [a, b].map((owner) => {
    try {
      state = then(state, claim(owner));
      return 'claimed';
    } catch (error) {
      return error instanceof ConflictError ? 'conflict' : 'other';
    }
  });
  t.same(outcomes, ['claimed', 'conflict']);
  t.equal(state.owner, a);
});

t.test('given a name claimed by a, when b claims it replacing a (a is gone), then a releases and b claims', async (t) => {
  t.same(decideName(given(claimed(a)), claim(b, a)), [released(a), claimed(b)]);
  t.equal(then(given(claimed(a)), claim(b, a)).owner, b);
});

t.test('given a name claimed by b, when c claims it replacing a, then it is a conflict: b is not the one gone', async (t) => {
  t.throws(() => decideName(given(claimed(b)), claim('c'.repeat(64), a)), ConflictError);
});

t.test('given a name claimed by a, when a releases it, then it is free and can be claimed by b', async (t) => {
  t.same(decideName(given(claimed(a)), { type: 'Release', owner: a }), [released(a)]);
  const free = then(given(claimed(a)), { type: 'Release', owner: a });
  t.equal(free.status, 'released');
  t.equal(free.owner, null);
  t.ok(free.releasedAt! > 0, 'the release time is kept for compaction');
  t.same(decideName(free, claim(b)), [claimed(b)]);
});

t.test('given a name claimed by a, when b releases it, then nothing happens: it is not b\'s', async (t) => {
  t.same(decideName(given(claimed(a)), { type: 'Release', owner: b }), []);
  t.same(decideName(given(), { type: 'Release', owner: b }), []);
  t.same(decideName(given(claimed(a), released(a)), { type: 'Release', owner: a }), [], 'a release resent has one effect');
});

t.test('given any name, when the claim names an invalid container name, then it is refused', async (t) => {
  for (const name of ['-web', '', 'a b', 'web/x', '.hidden']) {
    t.throws(() => decideName(given(), { type: 'Claim', namespace: 'container', name, owner: a }), ValidationError, name);
  }
  t.same(decideName(given(), { type: 'Claim', namespace: 'container', name: 'Web_1.x-y', owner: a }).length, 1);
});

t.test('entity ids are subject tokens, one per namespace and name', async (t) => {
  t.match(nameEntityId('container', 'a.b'), /^[0-9a-f]{64}$/);
  t.not(nameEntityId('container', 'a'), nameEntityId('container', 'b'));
});

t.test('given a tag held by image a, when image b claims it, then it moves: a releases, b claims', async (t) => {
  const tag = (owner: string): NameCommand => ({ type: 'Claim', namespace: 'tag', name: 'busybox:latest', owner });
  const held = then(given(), tag(a));
  t.same(decideName(held, tag(b)).map((d) => [d.type, d.data.owner]), [['name.released', a], ['name.claimed', b]]);
  t.equal(then(held, tag(b)).owner, b);
  t.same(decideName(held, tag(a)), [], 'the same image again: nothing new');
});
