/**
 * The live container actor's timers on xstate's SimulatedClock: restart backoff, the stop
 * deadline and health probes fire exactly when due, tick by tick. The worker here records what
 * it is asked and answers at once; the kernel side of each is tested end to end in test/engine.
 */
import t from 'tap';
import { createLogger } from '../../log/logger.js';
import { createActor, SimulatedClock } from 'xstate';
import type { ContainerCommand, ContainerConfig, ContainerEvent } from '../../events/container.js';
import type { Draft } from '../../events/envelope.js';
import type { Worker } from '../../runtime/worker.js';
import { containerEffects } from './effects.js';
import { config, envelope, id } from './given.js';
import type { ContainerState } from './state.js';

const flush = () => new Promise((resolve) => setImmediate(resolve));

function live(options: { config?: ContainerConfig; probeExit?: () => Promise<number>; recordHealth?: boolean } = {}) {
  const clock = new SimulatedClock();
  clock.set(1_000_000);
  const commands: ContainerCommand[] = [];
  const probes: number[] = [];
  const worker = {
    startContainer: () => new Promise(() => {}),
    watch: () => ({ stop() {} }),
    signal: () => {},
    exec: () => {
      probes.push(clock.now());
      return { started: Promise.resolve(7), exited: options.probeExit?.() ?? Promise.resolve(0) };
    },
  } as unknown as Worker;
  let actor: ReturnType<typeof createActor<typeof effects.machine>>;
  const state = () => ({ ...actor.getSnapshot().context, status: actor.getSnapshot().value }) as ContainerState;
  const effects = containerEffects({
    worker, clock, dispatch: (entity, command) => dispatch(entity, command), publishOutput: () => {}, imageChains: () => [], state, log: createLogger(),
  });
  // recordHealth: a ReportHealth is appended at once, as the entity would (decide's rules aside).
  const dispatch = (_id: string, command: ContainerCommand) => {
    commands.push(command);
    if (options.recordHealth && command.type === 'ReportHealth') send({ type: 'container.health_status', data: { status: command.status, failingStreak: command.failingStreak, output: command.output } });
  };
  actor = createActor(effects.machine, { input: { id, host: 'h1' }, clock });
  actor.start();
  // Events as the log would carry them, stamped with the simulated time.
  const send = (...drafts: Draft<ContainerEvent>[]) => { for (const d of drafts) actor.send({ ...envelope(d), time: clock.now() }); };
  send({ type: 'container.created', data: options.config ?? config }, { type: 'container.starting', data: {} },
    { type: 'container.started', data: { pid: 42, shimPid: 41 } });
  return { clock, commands, probes, send, state, effects, stop: () => { effects.stopAll(); actor.stop(); } };
}

const died = { type: 'container.died', data: { exitCode: 1, signal: null, oomKilled: false } } as const;

t.test('a policy restart is asked for when its backoff delay has passed, not a tick before', async (t) => {
  const c = live();
  t.teardown(c.stop);
  c.send(died, { type: 'container.restarting', data: { delayMs: 400, restartCount: 1 } });
  t.equal(c.state().status, 'restarting');
  c.clock.increment(399);
  t.same(c.commands, [], 'nothing at 399 ms');
  c.clock.increment(1);
  t.same(c.commands, [{ type: 'Start', byRestartPolicy: true }], 'Start at 400 ms');
  c.clock.increment(59_999);
  t.equal(c.commands.length, 1, 'and only once while the start is under way');
  c.clock.increment(1);
  t.equal(c.commands.length, 2, 'a start that left it restarting (refused: the log nearly full) is asked again a minute later');
  c.send({ type: 'container.starting', data: { byRestartPolicy: true } });
  c.clock.increment(120_000);
  t.equal(c.commands.length, 2, 'not once it is starting');
});

t.test('a stop sends SIGKILL when its timeout runs out', async (t) => {
  const c = live();
  t.teardown(c.stop);
  c.send({ type: 'container.stopping', data: { timeoutSeconds: 10 } }, { type: 'container.killed', data: { signal: 'SIGTERM' } });
  c.clock.increment(9_999);
  t.same(c.commands, [], 'the process still has time');
  c.clock.increment(1);
  t.same(c.commands, [{ type: 'Kill', signal: 'SIGKILL' }], 'SIGKILL at 10 s');
});

t.test('no SIGKILL for a container that exited before its stop timeout', async (t) => {
  const c = live();
  t.teardown(c.stop);
  c.send({ type: 'container.stopping', data: { timeoutSeconds: 10 } });
  c.clock.increment(3_000);
  c.send(died);
  c.clock.increment(20_000);
  t.same(c.commands, []);
});

const healthConfig: ContainerConfig = {
  ...config, healthcheck: { test: ['CMD', 'check'], intervalMs: 30_000, timeoutMs: 5_000, startPeriodMs: 0, retries: 3 },
};

t.test('health probes run every interval; the third failure in a row reports unhealthy', async (t) => {
  const c = live({ config: healthConfig, probeExit: () => Promise.resolve(1) });
  t.teardown(c.stop);
  const start = c.clock.now();
  c.clock.increment(29_999);
  t.same(c.probes, [], 'no probe before the first interval');
  for (let i = 1; i <= 3; i++) {
    c.clock.increment(i === 1 ? 1 : 30_000);
    await flush();
  }
  t.same(c.probes.map((at) => at - start), [30_000, 60_000, 90_000]);
  t.same(c.commands.map((command) => command.type === 'ReportHealth' && command.status), ['unhealthy'], 'one change, after the third failure');
});

t.test('a probe that outlives its timeout counts as a failure', async (t) => {
  const c = live({ config: { ...healthConfig, healthcheck: { ...healthConfig.healthcheck!, retries: 1 } }, probeExit: () => new Promise(() => {}) });
  t.teardown(c.stop);
  c.clock.increment(30_000);
  await flush();
  t.same(c.commands, [], 'the probe is still running');
  c.clock.increment(5_000);
  await flush();
  t.equal(c.commands.length, 1);
  const report = c.commands[0] as Extract<ContainerCommand, { type: 'ReportHealth' }>;
  t.equal(report.status, 'unhealthy');
  t.match(report.output, /exceeded timeout \(5000 ms\)/);
});

t.test('a passing probe reports healthy at once', async (t) => {
  const c = live({ config: healthConfig });
  t.teardown(c.stop);
  c.clock.increment(30_000);
  await flush();
  t.same(c.commands.map((command) => command.type === 'ReportHealth' && command.status), ['healthy']);
});

t.test('every probe is kept for inspect (the last five); only the change is reported', async (t) => {
  let exit = 0;
  const c = live({ config: { ...healthConfig, healthcheck: { ...healthConfig.healthcheck!, retries: 1 } }, probeExit: () => Promise.resolve(exit++ < 2 ? 0 : 1), recordHealth: true });
  t.teardown(c.stop);
  for (let i = 0; i < 7; i++) {
    c.clock.increment(30_000);
    await flush();
  }
  const view = c.effects.health(id)!;
  t.equal(view.status, 'unhealthy');
  t.equal(view.failingStreak, 5);
  t.same(view.log!.map((p) => p.exitCode), [1, 1, 1, 1, 1]);
  t.same(view.log!.map((p) => p.end - p.start), [0, 0, 0, 0, 0]);
  t.same(c.commands.map((command) => command.type === 'ReportHealth' && command.status), ['healthy', 'unhealthy'],
    'one report each change');
  t.equal(c.state().health?.status, 'unhealthy');
});
