/** The chaos invariant checker, given hand-made logs: each rule catches its violation. */
import t from 'tap';
import { checkLog, type LoggedEvent } from './invariants.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
let n = 0;
const event = (entity: string, type: string, name = 'web', host = 'h1'): LoggedEvent => ({ id: `e${n++}`, type: `container.${type}`, host, entity, name });
const none = { runs: [], stops: [], removes: [] };

t.test('a clean lifecycle and a name reused after removal pass', async (t) => {
  const log = ['created', 'starting', 'started', 'stopping', 'died', 'stopped', 'removing', 'destroyed'].map((type) => event(A, type));
  log.push(event(B, 'created'), event(B, 'started'));
  t.same(checkLog(log, { runs: [A, B], stops: [A], removes: [A] }), []);
});

t.test('each rule reports its violation', async (t) => {
  const created = event(A, 'created');
  t.match(checkLog([created, { ...created }], none), [/in the log twice/]);
  t.match(checkLog([event(A, 'started')], none), [/started before created/]);
  t.match(checkLog([event(A, 'created'), event(A, 'created')], none), [/created twice or not first/]);
  t.match(checkLog([event(A, 'created'), event(A, 'destroyed'), event(A, 'started')], none), [/started after destroyed/]);
  t.match(checkLog([event(A, 'created'), event(A, 'started'), event(A, 'started')], none), [/started while it already runs/]);
  t.match(checkLog([event(A, 'created'), event(A, 'started'), event(B, 'created'), event(B, 'started')], none), [/name h1\/web: bbbbbbbbbbbb started while aaaaaaaaaaaa runs/]);
  t.same(checkLog([event(A, 'created'), event(A, 'started'), event(B, 'created', 'web', 'h2'), event(B, 'started', 'web', 'h2')], none), [], 'one name per host');
  t.same(checkLog([event(A, 'created'), event(A, 'started'), event(A, 'died'), event(B, 'created'), event(B, 'started')], none), [], 'after it died the name is free to run');
  t.match(checkLog([event(A, 'created')], { runs: [A, B], stops: [A], removes: [A] }), [
    /acknowledged run aaaaaaaaaaaa has no created and started/, /acknowledged run bbbbbbbbbbbb/, /stop of aaaaaaaaaaaa has no died/, /rm of aaaaaaaaaaaa has no destroyed/,
  ]);
});
