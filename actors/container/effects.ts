/**
 * The container machine's effects, provided to the live actor. Each one asks the worker for
 * kernel work; whatever the worker answers comes back as a command (ReportStarted, ReportExited,
 * ReportRemoved), so decide stays the only source of events. Replay never runs these.
 */
import type { ContainerCommand } from '../../events/container.js';
import type { OutputChunk } from '../../events/requests.js';
import { BerthError } from '../../events/errors.js';
import type { WorkerContract } from '../../runtime/workerContract.js';
import type { ContainerNetwork } from '../../runtime/network/containerNetwork.js';
import type { Watch } from '../../runtime/containers/watch.js';
import { parseSignal } from '../../runtime/signals.js';
import { systemClock, type Clock } from '../clock.js';
import { containerMachine } from './machine.js';
import { runtimeActions } from './runtimeEffects.js';
import { HealthMonitors } from './healthMonitor.js';
import { MAX_DELAY_MS } from './restartPolicy.js';
import type { HealthView } from '../../events/health.js';
import type { ContainerData, ContainerState } from './state.js';
import type { Logger } from '../../log/logger.js';

export interface ContainerEffectDeps {
  worker: WorkerContract;
  /** Queues a command for a container (with a fresh command id). */
  dispatch(id: string, command: ContainerCommand): void;
  /** Streams output to whoever follows the container live. */
  publishOutput(id: string, chunk: OutputChunk): void;
  /** The chain ids of an image's layers, lowest first. */
  imageChains(imageId: string): string[];
  /** The container's current state. */
  state(id: string): ContainerState | undefined;
  /** Streams an exec's output to whoever follows it (berth exec). */
  publishExecOutput?(id: string, execId: string, chunk: OutputChunk): void;
  /** What the restart, stop and health timers run on (default: the system clock). */
  clock?: Clock;
  /** Where the failures of effects nobody waits for are logged. */
  log: Logger;
  /** Called once a removal has ended, well or not (the host sweeps leftover cgroups). */
  afterRemoval?(): void;
  /** The container's interfaces and name files (actors/network/networks.ts); undefined: no network set-up. */
  networkOf?(data: ContainerData): Promise<ContainerNetwork | undefined>;
}

export interface ContainerEffects {
  machine: typeof containerMachine;
  /** Re-arms, after replay, the effect a state was in the middle of; a cleanup resolves once done. */
  resume(data: ContainerData, what: 'watch' | 'remove' | 'restart' | 'cleanup'): Promise<void> | void;
  stopAll(): void;
  /** The live health of a container being probed (status, streak and last probes); undefined when none runs. */
  health(id: string): HealthView | undefined;
}

export function containerEffects(deps: ContainerEffectDeps): ContainerEffects {
  const clock = deps.clock ?? systemClock;
  const watches = new Map<string, Watch>();
  const stopTimers = new Map<string, unknown>();
  const restartTimers = new Map<string, unknown>();

  const health = new HealthMonitors(deps.worker, deps.dispatch, clock, (id) => deps.state(id)?.health?.status);
  const watch = (data: ContainerData) => {
    health.start(data);
    if (watches.has(data.id)) return;
    watches.set(data.id, deps.worker.watch(
      data.id,
      (chunk) => deps.publishOutput(data.id, chunk),
      (exit, oomKilled) => {
        watches.delete(data.id);
        health.stop(data.id);
        clock.clearTimeout(stopTimers.get(data.id));
        stopTimers.delete(data.id);
        deps.publishOutput(data.id, { eof: true });
        deps.dispatch(data.id, { type: 'ReportExited', exitCode: exit.exitCode, signal: exit.signal, oomKilled, at: Date.parse(exit.time) || Date.now() });
      },
    ));
  };

  const machine = containerMachine.provide({
    actions: {
      startProcess: ({ context }) => {
        const config = context.config!;
        Promise.resolve(deps.networkOf?.(context)).then((network) => deps.worker.startContainer(context.id, config, deps.imageChains(config.image), network)).then(
          (started) => deps.dispatch(context.id, { type: 'ReportStarted', ...started }),
          (error: unknown) => deps.dispatch(context.id, {
            type: 'ReportStartFailed',
            exitCode: error instanceof BerthError ? error.exitCode : 125,
            error: (error as Error).message,
          }),
        );
      },
      watchProcess: ({ context }) => watch(context),
      signalProcess: ({ context, event }) => {
        if (event.type === 'container.killed' && context.pid) deps.worker.signal(context.pid, parseSignal(event.data.signal).number);
      },
      stopProcess: ({ context, event }) => {
        clock.clearTimeout(stopTimers.get(context.id));
        if (!context.pid) return;
        const pid = context.pid;
        const timeout = event.type === 'container.stopping' ? event.data.timeoutSeconds : 0;
        // The SIGTERM is its own killed event, which follows this one; here only the deadline.
        stopTimers.set(context.id, clock.setTimeout(() => {
          stopTimers.delete(context.id);
          if (deps.state(context.id)?.pid === pid) deps.dispatch(context.id, { type: 'Kill', signal: 'SIGKILL' });
        }, timeout * 1000));
      },
      removeContainer: ({ context }) => remove(context),
      ...runtimeActions(deps),
      autoRemove: ({ context }) => {
        if (context.config?.autoRemove) deps.dispatch(context.id, { type: 'Remove', force: false });
      },
      scheduleRestart: ({ context }) => scheduleRestart(context),
      applyLimits: ({ context }) => {
        if (!context.pid || !context.config) return;
        deps.worker.updateLimits(context.id, context.config).catch((error: Error) =>
          deps.log.error('applying the new limits failed', { container: context.id.slice(0, 12), error }));
      },
    },
  });

  function scheduleRestart(context: ContainerData): void {
    clock.clearTimeout(restartTimers.get(context.id));
    const delay = Math.max(0, (context.restartDueAt ?? 0) - clock.now());
    const start = () => {
      deps.dispatch(context.id, { type: 'Start', byRestartPolicy: true });
      // A start that was refused (the event log nearly full) is asked again while the container still waits.
      restartTimers.set(context.id, clock.setTimeout(() => {
        restartTimers.delete(context.id);
        if (deps.state(context.id)?.status === 'restarting') start();
      }, MAX_DELAY_MS));
    };
    restartTimers.set(context.id, clock.setTimeout(start, delay));
  }

  function remove(context: ContainerData): void {
    health.stop(context.id);
    // A restart the policy had scheduled has nothing left to start.
    clock.clearTimeout(restartTimers.get(context.id));
    restartTimers.delete(context.id);
    watches.get(context.id)?.stop();
    watches.delete(context.id);
    deps.worker.removeContainer(context.id).then(
      (ended) => {
        if (ended) {
          deps.publishOutput(context.id, { eof: true });
          deps.dispatch(context.id, { type: 'ReportExited', exitCode: ended.exit.exitCode, signal: ended.exit.signal, oomKilled: ended.oomKilled });
        }
        deps.dispatch(context.id, { type: 'ReportRemoved' });
        deps.afterRemoval?.();
      },
      (error: unknown) => {
        deps.log.error('removal failed', { container: context.id.slice(0, 12), error });
        deps.dispatch(context.id, { type: 'ReportRemovalFailed', error: `removal failed: ${(error as Error).message}` });
        deps.afterRemoval?.();
      },
    );
  }

  return {
    machine,
    resume: (data, what) => {
      if (what === 'watch') watch(data);
      else if (what === 'restart') scheduleRestart(data);
      else if (what === 'remove') remove(data);
      // A start the crash cut short: whatever it left in the cgroup goes, before any new start
      // (reconciliation's own, for a restart policy) makes that cgroup again.
      else return deps.worker.discardStart(data.id).catch((error: Error) => deps.log.error('cleaning up an unfinished start failed', { container: data.id.slice(0, 12), error }));
    },
    health: (id) => health.view(id),
    stopAll() {
      for (const w of watches.values()) w.stop();
      health.stopAll();
      for (const timer of [...stopTimers.values(), ...restartTimers.values()]) clock.clearTimeout(timer);
      restartTimers.clear();
      watches.clear();
      stopTimers.clear();
    },
  };
}
