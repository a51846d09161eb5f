/**
 * A bad snapshot falls back to that entity's events (issue 22): one that does not decode
 * silently dropped its container (replay started at the checkpoint), which then ran unseen and
 * whose mounted volume `volume rm` deleted; one with an unknown state name stopped every start
 * with a stack trace. Now the daemon starts, says which snapshot it could not use, and the
 * container is there, running, its volume in use. A whole page of snapshots that does not
 * decode names no entity: the start reads the whole log.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { Kvm } from '@nats-io/kv';
import { Packr } from 'msgpackr';
import { SNAPSHOT_BUCKET } from '../../events/subjects.js';
import { connectEngine } from '../helpers/bus.js';
import { startEngine, type Engine } from '../helpers/engine.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';

gateFile(requiresEngine());

/** A page's stored form, read as loosely as a test needs to change one snapshot in it. */
const packr = new Packr({ useRecords: false, moreTypes: false });
type RawPage = { entries: Array<Record<string, unknown>> };

/**
 * Stops the daemon cleanly (its snapshots and checkpoint written) and starts it again; changes
 * the page that holds one container's snapshot while it runs (an unchanged entity's snapshot is
 * not written again), then kills it (no flush) and starts it: the start reads the changed page.
 */
async function restartWith(engine: Engine, container: string, change: (page: Uint8Array) => Uint8Array): Promise<void> {
  await engine.killDaemon('SIGTERM');
  await engine.startDaemon();
  const nc = await connectEngine(engine, 'snapshot-writer');
  try {
    const kv = await new Kvm(nc).open(SNAPSHOT_BUCKET);
    let changed = false;
    for await (const key of await kv.keys('testhost._page.*')) {
      const entry = await kv.get(key);
      if (!entry?.value.length || !(packr.unpack(entry.value) as RawPage).entries.some((e) => e.entity === container)) continue;
      await kv.put(key, change(entry.value));
      changed = true;
    }
    if (!changed) throw new Error(`no snapshot of container ${container} in any page`);
  } finally {
    await nc.close();
  }
  await engine.killDaemon('SIGKILL');
  await engine.startDaemon();
}

/** A change to the page that rewrites the container's snapshot with `snapshot`. */
const entryOf = (container: string, snapshot: (entry: Record<string, unknown>) => Record<string, unknown>) => (data: Uint8Array) => {
  const page = packr.unpack(data) as RawPage;
  return packr.pack({ ...page, entries: page.entries.map((e) => (e.entity === container ? snapshot(e) : e)) });
};

t.test('an undecodable snapshot and an unknown state name: the container is rebuilt from its events', async (t) => {
  const engine = await startEngine(t);
  const id = (await engine.ok(['run', '-d', '--name', 'keep', '-v', 'data:/data', 'busybox', 'sleep', '1000'])).trim();
  const log = () => fs.readFile(path.join(engine.dir, 'berthd.log'), 'utf8');

  await restartWith(engine, id, entryOf(id, (e) => ({ kind: e.kind, entity: e.entity, seq: 'not a number', value: 42 })));
  t.equal((await engine.inspect('keep')).State.Status, 'running', 'undecodable: the container is there, running');
  t.match(await log(), `the snapshot of container ${id.slice(0, 12)} is unusable`, 'the daemon says so');
  const rm = await engine.berth(['volume', 'rm', 'data']);
  t.not(rm.code, 0, 'its volume is in use: not deleted');

  await restartWith(engine, id, entryOf(id, (e) => ({ ...e, value: 'no-such-state' })));
  t.equal((await engine.inspect('keep')).State.Status, 'running', 'unknown state name: the daemon starts and the container is running');
  t.match(await log(), "State 'no-such-state' does not exist", 'naming the state');

  // The page that holds it does not decode: no entity of it can be named, so the whole log is read.
  await restartWith(engine, id, () => new Uint8Array([0xc1, 0x00, 0xff]));
  t.equal((await engine.inspect('keep')).State.Status, 'running', 'an unreadable page: the container is there, running');
  t.not((await engine.berth(['volume', 'rm', 'data'])).code, 0, 'its volume still in use');
  await engine.ok(['rm', '-f', 'keep']);
});
