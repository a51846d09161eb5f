import t from 'tap';
import { CONTAINER_STATUSES, STATUS_TAGS, hasStatusTag, type StatusTag } from '../../events/containerStatus.js';
import { containerMachine } from './machine.js';
import { initialContainerData } from './state.js';

const TAGS: StatusTag[] = ['exists', 'running', 'process', 'up', 'wanted', 'stopped'];
const context = initialContainerData({ id: 'a'.repeat(64), host: 'h' });

t.test('the machine has exactly the declared statuses', async (t) => {
  t.same(Object.keys(containerMachine.config.states!).sort(), [...CONTAINER_STATUSES].sort());
});

t.test('given each state of the machine, its tags are the declared ones, and the predicates agree', async (t) => {
  for (const status of CONTAINER_STATUSES) {
    const snapshot = containerMachine.resolveState({ value: status, context });
    for (const tag of TAGS) {
      t.equal(snapshot.hasTag(tag), STATUS_TAGS[status].includes(tag), `${status} ${tag}`);
      t.equal(hasStatusTag(status, tag), snapshot.hasTag(tag), `${status} ${tag}: the predicate reads the same`);
    }
  }
});

t.test('the meanings, as Docker shows them', async (t) => {
  const withTag = (tag: StatusTag) => CONTAINER_STATUSES.filter((s) => hasStatusTag(s, tag));
  t.same(withTag('exists'), CONTAINER_STATUSES.filter((s) => s !== 'none' && s !== 'removed'), 'created and not removed');
  t.same(withTag('running'), ['running', 'paused', 'stopping', 'restarting'], "Docker's State.Running");
  t.same(withTag('process'), ['running', 'paused', 'stopping'], 'a process exists');
  t.same(withTag('up'), ['starting', 'running', 'paused', 'stopping'], 'a process exists or is starting');
  t.same(withTag('wanted'), ['starting', 'running', 'paused', 'restarting'], 'wanted running');
  t.same(withTag('stopped'), ['created', 'exited', 'dead'], 'at rest');
  t.notOk(hasStatusTag('lost', 'running'), 'a status the engine does not know (a lost host\'s) has no tag');
});
