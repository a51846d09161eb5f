import t from 'tap';
import { HEADROOM_FRACTION, inHeadroom, refusalForSpace } from './logSpace.js';

const limit = 1_000_000;
const roomy = { bytes: limit * (1 - HEADROOM_FRACTION) - 1, maxBytes: limit };
const nearlyFull = { bytes: limit * (1 - HEADROOM_FRACTION), maxBytes: limit };

t.test('a log with room, or with no limit, takes every event', async (t) => {
  t.equal(refusalForSpace(roomy, ['container.created']), null);
  t.equal(refusalForSpace(null, ['container.created', 'container.health_status']), null);
  t.notOk(inHeadroom(roomy));
  t.ok(inHeadroom(nearlyFull));
});

t.test('in the headroom, what ends or finishes something is still recorded', async (t) => {
  t.equal(refusalForSpace(nearlyFull, ['container.removing']), null, 'rm -f');
  t.equal(refusalForSpace(nearlyFull, ['container.died', 'container.restarting']), null, 'an exit under a restart policy');
  t.equal(refusalForSpace(nearlyFull, ['container.stopping', 'container.killed']), null, 'stop');
  t.equal(refusalForSpace(nearlyFull, ['container.destroyed']), null);
  t.equal(refusalForSpace(nearlyFull, ['container.started']), null, 'a start already under way ends');
  t.equal(refusalForSpace(nearlyFull, ['image.untagged', 'image.deleted']), null, 'rmi');
  t.equal(refusalForSpace({ bytes: limit * 2, maxBytes: limit }, ['container.stopped']), null, 'over the limit too: the stream is the last word');
});

t.test('in the headroom, what makes something new is refused with one clear line', async (t) => {
  for (const types of [['container.created'], ['container.starting'], ['container.health_status'], ['image.pulled'], ['volume.created'], ['container.died', 'container.exec_created']]) {
    const refusal = refusalForSpace(nearlyFull, types);
    t.match(refusal, /^the event log is nearly full \(0\.9 MB of its 1\.0 MB limit, events-max-bytes\); it records only stops and removals/, types.join(','));
    t.notMatch(refusal, /\n/);
  }
});
