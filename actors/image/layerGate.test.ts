import t from 'tap';
import { LayerGate } from './layerGate.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => { resolve = r; });
  return { promise, resolve };
}

t.test('a deletion waits for the producers under way, and a producer for a deletion that runs', async (t) => {
  const log: string[] = [];
  const gate = new LayerGate((error) => log.push(`error ${error.message}`));
  const pull = deferred();
  const pulling = gate.produce(async () => { log.push('pull starts'); await pull.promise; log.push('pull recorded'); });
  await tick();
  const removal = deferred();
  const deleted = gate.delete(async () => { log.push('delete starts'); await removal.promise; log.push('delete done'); });
  await tick();
  t.same(log, ['pull starts'], 'the deletion waits while the pull runs');
  pull.resolve();
  await pulling;
  await tick();
  t.same(log, ['pull starts', 'pull recorded', 'delete starts']);
  const next = gate.produce(async () => { log.push('next pull'); });
  await tick();
  t.notOk(log.includes('next pull'), 'a producer waits while a deletion runs');
  removal.resolve();
  await Promise.all([deleted, next]);
  t.same(log, ['pull starts', 'pull recorded', 'delete starts', 'delete done', 'next pull']);
  t.ok(gate.idle);
});

t.test('deletions asked together run together; a failed one is reported and the rest go on', async (t) => {
  const log: string[] = [];
  const gate = new LayerGate((error) => log.push(`error ${error.message}`));
  const hold = deferred();
  const producing = gate.produce(() => hold.promise);
  const a = gate.delete(async () => { log.push('a'); throw new Error('a failed'); });
  const b = gate.delete(async () => { log.push('b'); });
  await tick();
  t.same(log, []);
  hold.resolve();
  await producing;
  await Promise.all([a, b]);
  t.same(log, ['a', 'error a failed', 'b']);
  t.same(await gate.produce(async () => 'after'), 'after');
  t.ok(gate.idle);
});
