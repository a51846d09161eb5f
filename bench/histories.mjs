/**
 * Real container histories for the bench: every event is decided by berth's own rules
 * (containerRules: decide, then the machine's transition) through the Entity runtime, as the
 * daemon does, so the log holds exactly what a daemon would have written.
 *
 * A container's life: Create, then 3 to 5 runs (Start, then ReportStarted, or now and then
 * ReportStartFailed), each ended one of three ways: Kill SIGKILL and its exit (killed, died),
 * Stop and its exit (stopping, killed, died, stopped), or the process ending by itself (died);
 * about 30% are then removed (removing, destroyed). About 20 events each, and every container
 * ends not running (exited or removed), so a daemon's reconcile has no kernel work to do.
 * writeHistories also writes each container's name as the daemon does (a claim before the
 * create, a release after the removal): without them a daemon's first start claims the names of
 * the containers left (actors/name/names.ts), and the log the bench measures grows under it.
 */
import { loadDist } from './procs.mjs';

/** A small deterministic generator: the same seed gives the same histories. */
export function seeded(seed) {
  let x = seed >>> 0;
  return () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32);
}

export const containerId = (prefix, n) => `${prefix}${n.toString(16).padStart(64 - prefix.length, '0')}`;

const config = (name, random) => ({
  name,
  image: 'b'.repeat(64),
  imageRef: 'busybox',
  cmd: ['sh', '-c', 'sleep 1'],
  env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', `N=${name}`],
  workingDir: '/',
  hostname: name.slice(0, 12),
  autoRemove: false,
  labels: { 'bench.berth': 'history', 'bench.group': String(Math.floor(random() * 8)) },
});

/** The commands of one container's life, as a list (each a step the worker or a user would send). */
export function lifeOf(name, random) {
  const commands = [{ type: 'Create', config: config(name, random) }];
  const runs = 3 + Math.floor(random() * 3);
  for (let run = 0; run < runs; run++) {
    commands.push({ type: 'Start' });
    if (random() < 0.1) {
      commands.push({ type: 'ReportStartFailed', exitCode: 127, error: 'exec: "sh": not found' });
      continue;
    }
    commands.push({ type: 'ReportStarted', pid: 1000 + Math.floor(random() * 60000), shimPid: 999 });
    const end = random();
    if (end < 0.4) {
      commands.push({ type: 'Kill', signal: 'SIGKILL' }, { type: 'ReportExited', exitCode: 137, signal: 9, oomKilled: false });
    } else if (end < 0.8) {
      commands.push({ type: 'Stop', timeoutSeconds: 10 }, { type: 'ReportExited', exitCode: 143, signal: 15, oomKilled: false });
    } else {
      commands.push({ type: 'ReportExited', exitCode: random() < 0.5 ? 0 : 1, signal: null, oomKilled: false });
    }
  }
  if (random() < 0.3) commands.push({ type: 'Remove', force: false }, { type: 'ReportRemoved' });
  return commands;
}

/**
 * Writes the histories of `count` containers of host `host` into the event store, `inFlight`
 * containers at a time (each container's commands in order, one at a time, as its actor would).
 * Returns the number of events and containers by final status.
 */
export async function writeHistories({ store, host, count, seed = 1, inFlight = 100, idPrefix = 'c0ffee', onProgress }) {
  const [{ Entity }, { containerRules, nameRules }, { nameEntityId }] = await Promise.all([
    loadDist('actors/entity.js'), loadDist('actors/rules.js'), loadDist('actors/name/state.js'),
  ]);
  const random = seeded(seed);
  const lives = Array.from({ length: count }, (_, n) => lifeOf(`bench-${n}`, random));
  let next = 0;
  let events = 0;
  let commandCount = 0;
  const statuses = {};
  const worker = async () => {
    while (next < count) {
      const n = next++;
      const owner = containerId(idPrefix, n);
      const entity = new Entity(containerRules, owner, host, store);
      const name = lives[n][0].config.name;
      const claim = new Entity(nameRules, nameEntityId('container', name), host, store);
      const meta = () => { const id = `bench-${host}-${++commandCount}`; return { id, correlation: id }; };
      // Each count is added once its append is done: `events += await …` would read `events`
      // before the await and lose what the other workers added meanwhile.
      const write = async (target, command) => { const written = await target.execute(command, meta()); events += written.length; };
      await write(claim, { type: 'Claim', namespace: 'container', name, owner });
      for (const command of lives[n]) await write(entity, command);
      if (entity.state.status === 'removed') await write(claim, { type: 'Release', owner });
      statuses[entity.state.status] = (statuses[entity.state.status] ?? 0) + 1;
      if (onProgress && (n + 1) % 1000 === 0) onProgress(n + 1, events);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker));
  return { containers: count, events, statuses };
}

/**
 * An in-memory EventStore that only records appends: histories decided by the real rules,
 * kept as each entity's batches (one batch per command, as the Entity appends them), so a
 * bench can write them again later without the cost of deciding them.
 */
export class MemoryStore {
  seq = 0;
  /** entity id → list of batches (arrays of events), in order. */
  batches = new Map();
  async append(events, expectedLastSeq) {
    void expectedLastSeq;
    const list = this.batches.get(events[0].entity) ?? [];
    list.push(events);
    this.batches.set(events[0].entity, list);
    return events.map((event) => ({ seq: ++this.seq, event }));
  }
  async *read() { /* nothing to catch up on: this store has one writer */ }
  async purge() {}
  async follow() { return { async stop() {} }; }
}

/** `count` containers' histories, decided in memory: an array (one per container) of batches. */
export async function decideHistories({ count, seed = 1, host = 'h' }) {
  const store = new MemoryStore();
  await writeHistories({ store, host, count, seed, inFlight: 1 });
  return [...store.batches.values()];
}
