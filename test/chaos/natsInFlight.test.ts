/**
 * A command in flight when the nats-server under it dies (issue 23). The long chaos run saw one
 * `berth run -d` exit 0 having printed no container id, in a round that SIGKILLed the
 * nats-server: the CLI's connection closed with the server, and a command then waiting only on
 * it and on unref'd timers left Node's event loop empty. Since, a command's connection is made
 * again once the daemon has brought its nats-server back, and a request in flight is sent again.
 *
 * Here `run -d`, `run --rm` and `exec` are sent and the nats-server is SIGKILLed (by pid) at a
 * chosen point: when the request reaches the bus, at the container's `created` or `started`
 * event, or at its first output. The daemon brings its nats-server back.
 * - `run -d` waits only for its answer: it must succeed with it (the id it asked for), with
 *   one container, running, created once.
 * - `run --rm` and `exec` follow live output and events, and what was published while the
 *   server was down reached no one: they must fail with exit 125 and a line that says the end
 *   was not seen, never exit 0.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import t from 'tap';
import { decode } from '../../events/codec.js';
import { RequestEnvelope } from '../../events/requests.js';
import { commandSubject, eventFilter } from '../../events/subjects.js';
import { TYPE_HEADER } from '../../nats/store/jetStream.js';
import { pingDaemon } from '../../client/daemonPing.js';
import { connectEngine } from '../helpers/bus.js';
import { alive, startEngine, type Engine } from '../helpers/engine.js';
import { waitFor } from '../helpers/waitFor.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';

gateFile(requiresEngine());

const engine = await startEngine(t);
const host = (await engine.daemonInfo())!.host;
await engine.ok(['volume', 'create', 'nv']);

/** Where to strike: the request on the bus, an event of the container it creates, or its first output (the answer sent). */
type Point = 'request' | 'container.created' | 'container.started' | 'output';

/** The daemon answers again through a nats-server of its own (a new one after a kill). */
async function untilServing(engine: Engine, killed: number | null): Promise<void> {
  await waitFor(async () => {
    const pid = await engine.natsPid();
    if (!pid || pid === killed || !alive(pid)) return false;
    return (await engine.berth(['version'], { timeoutMs: 10_000 })).code === 0 && (await engine.berth(['ps', '-q'], { timeoutMs: 10_000 })).code === 0;
  }, { what: 'the daemon to serve through a new nats-server', timeoutMs: 60_000, intervalMs: 200 });
}

/**
 * Arms a SIGKILL of the nats-server at `point` of the next request of `op` (for a create: at
 * an event of the container it creates; for `output`, at the first output on the host after
 * the request); resolves once it struck, with the container a create asked for ('' for other
 * ops) and the request's id.
 */
async function killNatsAt(op: string, point: Point): Promise<{ container: string; request: string }> {
  const nc: NatsConnection = await connectEngine(engine, 'nats-in-flight-test');
  const pid = (await engine.natsPid())!;
  let container: string | null = null;
  let request = '';
  await new Promise<void>((resolve) => {
    const strike = () => {
      process.kill(pid, 'SIGKILL');
      resolve();
    };
    nc.subscribe(commandSubject(host, 'container'), {
      callback: (_error, msg) => {
        const envelope = decode(RequestEnvelope, msg.data);
        if (envelope.request.op !== op || container) return;
        container = envelope.request.op === 'container.create' ? envelope.request.spec.id ?? '' : '';
        request = envelope.id;
        if (point === 'request') strike();
      },
    });
    nc.subscribe(eventFilter(host, 'container'), {
      callback: (_error, msg) => {
        if (container && msg.subject.endsWith(container) && msg.headers?.get(TYPE_HEADER) === point) strike();
      },
    });
    nc.subscribe(`berth.out.${host}.>`, {
      callback: () => { if (container !== null && point === 'output') strike(); },
    });
  });
  await nc.close().catch(() => {});
  return { container: container ?? '', request };
}

/**
 * The daemon answers a ping saying it does not hold `request`: whatever it did with it is done
 * (a request it had in hand when it was stopped is acted on once it runs again).
 */
async function untilLetGo(request: string): Promise<void> {
  const nc = await connectEngine(engine, 'nats-in-flight-test');
  try {
    await waitFor(async () => {
      const ping = await pingDaemon(nc, host, { holds: request, timeoutMs: 2000 });
      return ping.state === 'answered' && ping.holds === false;
    }, { what: `the daemon to let go of request ${request}`, timeoutMs: 60_000, intervalMs: 200 });
  } finally {
    await nc.close().catch(() => {});
  }
}

/** The container's Docker actions as `events` shows them. */
async function actionsOf(id: string): Promise<string[]> {
  const out = await engine.ok(['events', '--since', '0', '--until', '0s', '--filter', `container=${id}`, '--format', '{{.Action}}']);
  return out.split('\n').filter(Boolean);
}

for (const point of ['request', 'container.created', 'container.started'] as Point[]) {
  t.test(`run -d with the nats-server killed at ${point}`, async (t) => {
    const struck = killNatsAt('container.create', point);
    const started = performance.now();
    const run = engine.berth(['run', '-d', '-v', 'nv:/data', 'busybox', 'sleep', '1000'], { timeoutMs: 100_000 });
    const { container: id } = await struck;
    const result = await run;
    t.comment(`killed at ${point}: exit ${result.code} after ${Math.round(performance.now() - started)} ms, stdout ${JSON.stringify(result.stdout)}, stderr ${JSON.stringify(result.stderr)}`);
    t.equal(result.code, 0, 'the command succeeds once its connection and the daemon are back');
    t.equal(result.stdout, `${id}\n`, 'with the id of the container it asked for');
    t.equal((await engine.ok(['inspect', '-f', '{{.State.Status}}', id])).trim(), 'running', 'that container runs');
    const actions = await actionsOf(id);
    t.equal(actions.filter((a) => a === 'create').length, 1, `created once (${actions.join(', ')})`);
    await untilServing(engine, null);
    await engine.ok(['rm', '-f', id]);
  });
}

// The container prints only after a second: by then the answer to its create (or exec) has
// been sent, and the command waits on its follow of the output and events.
for (const point of ['request', 'output'] as Point[]) {
  t.test(`run --rm with the nats-server killed at ${point}`, async (t) => {
    const struck = killNatsAt('container.create', point);
    const run = engine.berth(['run', '--rm', '-v', 'nv:/data', 'busybox', 'sh', '-c', 'sleep 1; echo up; sleep 2; echo done > /data/rm-done'], { timeoutMs: 100_000 });
    await struck;
    const result = await run;
    t.comment(`exit ${result.code}, stdout ${JSON.stringify(result.stdout)}, stderr ${JSON.stringify(result.stderr)}`);
    t.equal(result.code, 125, 'a run whose container\'s end it could not see exits 125');
    t.match(result.stderr, /lost its connection to NATS/, 'saying why');
    await untilServing(engine, null);
  });

  t.test(`exec with the nats-server killed at ${point}`, async (t) => {
    const id = (await engine.ok(['run', '-d', '-v', 'nv:/data', 'busybox', 'sleep', '1000'])).trim();
    const struck = killNatsAt('container.exec', point);
    const exec = engine.berth(['exec', id, 'sh', '-c', 'sleep 1; echo up; sleep 2; echo done > /data/exec-done'], { timeoutMs: 100_000 });
    await struck;
    const result = await exec;
    t.comment(`exit ${result.code}, stdout ${JSON.stringify(result.stdout)}, stderr ${JSON.stringify(result.stderr)}`);
    t.equal(result.code, 125, 'an exec whose end it could not see exits 125');
    t.match(result.stderr, /lost its connection to NATS/, 'saying why');
    await untilServing(engine, null);
    await engine.ok(['rm', '-f', id]);
  });
}

// A stream of output published once (logs -f) cannot be made whole after a drop: it fails, as a
// follow does, rather than printing what reached it and exiting 0 (or waiting on an end it missed).
t.test('logs -f with the nats-server killed at the output it follows', async (t) => {
  const id = (await engine.ok(['run', '-d', 'busybox', 'sh', '-c', 'sleep 1; echo up; sleep 2; echo done; sleep 1000'])).trim();
  const struck = killNatsAt('container.logs', 'output');
  const logs = engine.berth(['logs', '-f', id], { timeoutMs: 100_000 });
  await struck;
  const result = await logs;
  t.comment(`exit ${result.code}, stdout ${JSON.stringify(result.stdout)}, stderr ${JSON.stringify(result.stderr)}`);
  t.equal(result.code, 125, 'a logs -f whose stream may have lost output exits 125');
  t.match(result.stderr, /lost its connection to NATS .* while reading the logs of/, 'saying why');
  await untilServing(engine, null);
  await engine.ok(['rm', '-f', id]);
});

t.test('run -d whose nats-server does not come back fails within seconds', async (t) => {
  // The daemon is stopped (SIGSTOP), so its supervisor cannot start the server again.
  const daemon = (await engine.daemonInfo())!.pid;
  const struck = killNatsAt('container.create', 'request');
  const run = engine.berth(['run', '-d', 'busybox', 'sleep', '1000'], { timeoutMs: 100_000 });
  const stopDaemon = struck.then(() => process.kill(daemon, 'SIGSTOP'));
  // The daemon must stop before its supervisor's next look (every second) finds the server gone.
  const { container: id, request } = await struck;
  await stopDaemon;
  const started = performance.now();
  const result = await run;
  const waited = Math.round(performance.now() - started);
  process.kill(daemon, 'SIGCONT');
  t.comment(`no nats-server came back: the command failed ${waited} ms after the kill: ${result.stderr.trim()}`);
  t.equal(result.code, 125, 'exit 125');
  t.match(result.stderr, /lost its connection to NATS .*may or may not have taken effect/, 'saying the outcome is unknown');
  await untilServing(engine, null);
  // The daemon may have had the request in hand when it was stopped: its container is looked for
  // (and removed) once the daemon has let go of it, never before, or it would be created after.
  await untilLetGo(request);
  const found = (await engine.berth(['inspect', '-f', '{{.State.Status}}', id])).stdout.trim();
  t.comment(`the container it asked for: ${found || 'none'}`);
  if (found) await engine.ok(['rm', '-f', id]);
});
