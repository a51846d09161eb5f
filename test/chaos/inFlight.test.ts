/**
 * A command in flight when its daemon dies (issue 23). `berth run -d` is sent, and the daemon
 * is SIGKILLed at a chosen point of handling it: when the request reaches the bus, when the
 * container's `created` event is published, at its `starting` event (the shim being spawned)
 * and at its `started` event (before the answer). The daemon is restarted at once. The CLI
 * must notice the lost daemon, send the same request again to the restarted one, and answer
 * normally: exit 0, the container's id, exactly one container of that name, running, created
 * once. When no daemon comes back, it must fail with a clear error instead of waiting for its
 * two-minute timeout.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import t from 'tap';
import { decode } from '../../events/codec.js';
import { RequestEnvelope } from '../../events/requests.js';
import { commandSubject, eventFilter, outputSubject } from '../../events/subjects.js';
import { TYPE_HEADER } from '../../nats/store/jetStream.js';
import { connectEngine } from '../helpers/bus.js';
import { startEngine, type Engine, type Result } from '../helpers/engine.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';

gateFile(requiresEngine());

const engine = await startEngine(t);
const nc = await connectEngine(engine, 'in-flight-test');
t.teardown(() => nc.close());
const host = (await engine.daemonInfo())!.host;

/** Where to strike: the request on the bus, an event of the container it creates, or its first output. */
type Point = 'request' | 'container.created' | 'container.starting' | 'container.started' | 'output';

/**
 * Arms a SIGKILL of the daemon at `point` of the next `container.create` request, and
 * returns the id of the container that request creates once it struck.
 */
function killAt(engine: Engine, nc: NatsConnection, point: Point): Promise<string> {
  const pid = engine.daemon!.pid!;
  let container: string | null = null;
  return new Promise((resolve) => {
    let output: { unsubscribe(): void } | null = null;
    let struck = false;
    const strike = () => {
      if (struck) return;
      struck = true;
      process.kill(pid, 'SIGKILL');
      requests.unsubscribe();
      events.unsubscribe();
      output?.unsubscribe();
      resolve(container!);
    };
    const requests = nc.subscribe(commandSubject(host, 'container'), {
      callback: (_error, msg) => {
        const envelope = decode(RequestEnvelope, msg.data);
        if (envelope.request.op !== 'container.create' || container) return;
        container = envelope.request.spec.id ?? null;
        if (point === 'request') strike();
        if (point === 'output' && container) output = nc.subscribe(outputSubject(host, container), { callback: () => strike() });
      },
    });
    const events = nc.subscribe(eventFilter(host, 'container'), {
      callback: (_error, msg) => {
        if (container && msg.subject.endsWith(container) && msg.headers?.get(TYPE_HEADER) === point) strike();
      },
    });
  });
}

/** The container's Docker actions as `events` shows them. */
async function actionsOf(id: string): Promise<string[]> {
  const out = await engine.ok(['events', '--since', '0', '--until', '0s', '--filter', `container=${id}`, '--format', '{{.Action}}']);
  return out.split('\n').filter(Boolean);
}

const points: Point[] = ['request', 'container.created', 'container.starting', 'container.started'];
for (const point of points) {
  t.test(`run -d with the daemon killed at ${point}`, async (t) => {
    const name = `at-${point.replace('container.', '')}`;
    const struck = killAt(engine, nc, point);
    const started = performance.now();
    const run: Promise<Result> = engine.berth(['run', '-d', '--name', name, 'busybox', 'sleep', '1000'], { timeoutMs: 100_000 });
    const id = await struck;
    await engine.killDaemon('SIGKILL');
    await engine.startDaemon();
    const result = await run;
    t.comment(`killed at ${point}: the command answered after ${Math.round(performance.now() - started)} ms (exit ${result.code})`);
    t.equal(result.code, 0, `the command succeeds (${result.stderr.trim()})`);
    t.equal(result.stdout.trim(), id, 'with the id of the container it asked for');
    const named = (await engine.ok(['ps', '-a', '--no-trunc', '--filter', `name=^${name}$`, '--format', '{{.ID}} {{.State}}'])).trim().split('\n').filter(Boolean);
    t.same(named, [`${id} running`], 'exactly one container of that name, running');
    const actions = await actionsOf(id);
    t.equal(actions.filter((a) => a === 'create').length, 1, `created once (${actions.join(', ')})`);
    await engine.ok(['rm', '-f', id]);
  });
}

t.test('run -d with the daemon killed and not restarted fails within seconds', async (t) => {
  const struck = killAt(engine, nc, 'container.created');
  const started = performance.now();
  const run = engine.berth(['run', '-d', '--name', 'orphan', 'busybox', 'sleep', '1000'], { timeoutMs: 100_000 });
  const id = await struck;
  await engine.killDaemon('SIGKILL');
  const result = await run;
  t.comment(`no daemon came back: the command failed after ${Math.round(performance.now() - started)} ms`);
  t.equal(result.code, 125, 'exit 125');
  t.match(result.stderr, /went away while handling the request and did not come back/, 'saying the daemon went away');
  await engine.startDaemon();
  const named = (await engine.ok(['ps', '-a', '--no-trunc', '--filter', 'name=^orphan$', '--format', '{{.ID}}'])).trim().split('\n').filter(Boolean);
  t.ok(named.length <= 1 && named.every((found) => found === id), 'at most the one container it asked for');
  if (named.length) await engine.ok(['rm', '-f', id]);
});

// A command that follows its container (run without -d, exec) waits on the daemon's events and
// output, not on an answer to resend: when that daemon goes away, or is replaced by a restart,
// what the container did meanwhile was published by no one. The command fails in a line within
// seconds (before, it waited for an end no daemon would publish, without limit).
for (const restart of [false, true]) {
  t.test(`run --rm attached with the daemon killed${restart ? ' and restarted at once' : ', not restarted'} fails within seconds`, async (t) => {
    // The container prints after a second: by then its start has been answered, and the
    // command waits on its follow alone.
    const struck = killAt(engine, nc, 'output');
    const started = performance.now();
    const run = engine.berth(['run', '--rm', 'busybox', 'sh', '-c', 'sleep 1; echo up; sleep 30'], { timeoutMs: 100_000 });
    await struck;
    await engine.killDaemon('SIGKILL');
    if (restart) await engine.startDaemon();
    const result = await run;
    t.comment(`the command ended after ${Math.round(performance.now() - started)} ms: exit ${result.code}, ${JSON.stringify(result.stderr)}`);
    t.equal(result.code, 125, 'exit 125');
    t.match(result.stderr, /the daemon of host \S+ (went away|was restarted) while following container \w+; whether and how it ended was not seen/, 'saying why');
    if (!restart) await engine.startDaemon();
    // The container outlives the command: the daemon removes it (--rm) once it ends; here, at once.
    await engine.ok(['rm', '-f', ...(await engine.ok(['ps', '-aq'])).split('\n').filter(Boolean)]).catch(() => {});
  });
}
