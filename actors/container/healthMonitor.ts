/**
 * The health-check effect: while a container with a check runs, probe it every interval by
 * running the check inside it (the worker's exec), and report each change of status as a
 * ReportHealth command. The failing streak lives here, in memory; only status changes are events.
 */
import { randomBytes } from 'node:crypto';
import type { ContainerCommand } from '../../events/container.js';
import type { WorkerContract } from '../../runtime/workerContract.js';
import { systemClock, type Clock } from '../clock.js';
import { afterProbe, probeCommand, type HealthState } from './health.js';
import type { ContainerData } from './state.js';

const OUTPUT_LIMIT = 4096;

export class HealthMonitors {
  private readonly timers = new Map<string, unknown>();

  constructor(
    private readonly worker: WorkerContract,
    private readonly dispatch: (id: string, command: ContainerCommand) => void,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Starts probing a running container that has a check (idempotent). */
  start(data: ContainerData): void {
    const check = data.config?.healthcheck;
    const command = check ? probeCommand(check.test) : null;
    if (!check || !command || !data.pid || this.timers.has(data.id)) return;
    const pid = data.pid;
    const startedAt = data.startedAt ?? this.clock.now();
    let state: HealthState = data.health ?? { status: 'starting', failingStreak: 0 };
    const probe = async () => {
      const output: string[] = [];
      let passed = false;
      try {
        const running = this.worker.exec(data.id, pid, data.config!, {
          execId: randomBytes(32).toString('hex'), cmd: command, env: [], workingDir: '', user: '',
        }, (_stream, chunk) => { if (output.join('').length < OUTPUT_LIMIT) output.push(chunk.toString()); });
        let timer: unknown;
        const timeout = new Promise<number>((resolve) => { timer = this.clock.setTimeout(() => resolve(-1), check.timeoutMs); });
        const code = await Promise.race([running.exited, timeout]);
        this.clock.clearTimeout(timer);
        passed = code === 0;
        if (code === -1) output.push(`health check exceeded timeout (${check.timeoutMs} ms)`);
      } catch (error) {
        output.push((error as Error).message);
      }
      if (!this.timers.has(data.id)) return; // stopped meanwhile
      const next = afterProbe(state, passed, check.retries, this.clock.now() - startedAt < check.startPeriodMs);
      if (next.status !== state.status) {
        this.dispatch(data.id, { type: 'ReportHealth', status: next.status, failingStreak: next.failingStreak, output: output.join('').trim().slice(0, OUTPUT_LIMIT) });
      }
      state = next;
      if (this.timers.has(data.id)) this.timers.set(data.id, this.clock.setTimeout(() => void probe(), check.intervalMs));
    };
    this.timers.set(data.id, this.clock.setTimeout(() => void probe(), check.intervalMs));
  }

  stop(id: string): void {
    this.clock.clearTimeout(this.timers.get(id));
    this.timers.delete(id);
  }

  stopAll(): void {
    for (const id of [...this.timers.keys()]) this.stop(id);
  }
}
