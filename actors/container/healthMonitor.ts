/**
 * The health-check effect: while a container with a check runs, probe it every interval by
 * running the check inside it (the worker's exec). Every probe updates what this monitor keeps
 * in memory (status, failing streak, the last probes: what ps and inspect show); a change of
 * status is reported as a ReportHealth command when healthReports.ts says so (coalesced).
 */
import { randomBytes } from 'node:crypto';
import type { ContainerCommand } from '../../events/container.js';
import type { HealthProbe, HealthStatus, HealthView } from '../../events/health.js';
import type { WorkerContract } from '../../runtime/workerContract.js';
import { systemClock, type Clock } from '../clock.js';
import { afterProbe, probeCommand, type HealthState } from './health.js';
import { decideHealthReport, noReports, withProbe, type HealthReports } from './healthReports.js';
import type { ContainerData } from './state.js';

const OUTPUT_LIMIT = 4096;

interface Monitored {
  timer: unknown;
  state: HealthState;
  log: HealthProbe[];
  reports: HealthReports;
}

export class HealthMonitors {
  private readonly monitored = new Map<string, Monitored>();

  constructor(
    private readonly worker: WorkerContract,
    private readonly dispatch: (id: string, command: ContainerCommand) => void,
    private readonly clock: Clock = systemClock,
    /** The status the log holds for a container (its state's). */
    private readonly recorded: (id: string) => HealthStatus | undefined = () => undefined,
  ) {}

  /** Starts probing a running container that has a check (idempotent). */
  start(data: ContainerData): void {
    const check = data.config?.healthcheck;
    const command = check ? probeCommand(check.test) : null;
    if (!check || !command || !data.pid || this.monitored.has(data.id)) return;
    const pid = data.pid;
    const startedAt = data.startedAt ?? this.clock.now();
    const entry: Monitored = { timer: null, state: data.health ?? { status: 'starting', failingStreak: 0 }, log: [], reports: noReports };
    const probe = async () => {
      const start = this.clock.now();
      const output: string[] = [];
      let exitCode = -1;
      try {
        const running = this.worker.exec(data.id, pid, data.config!, {
          execId: randomBytes(32).toString('hex'), cmd: command, env: [], workingDir: '', user: '',
        }, (_stream, chunk) => { if (output.join('').length < OUTPUT_LIMIT) output.push(chunk.toString()); });
        let timer: unknown;
        const timeout = new Promise<number>((resolve) => { timer = this.clock.setTimeout(() => resolve(-1), check.timeoutMs); });
        exitCode = await Promise.race([running.exited, timeout]);
        this.clock.clearTimeout(timer);
        if (exitCode === -1) output.push(`health check exceeded timeout (${check.timeoutMs} ms)`);
      } catch (error) {
        output.push((error as Error).message);
      }
      if (this.monitored.get(data.id) !== entry) return; // stopped meanwhile
      const now = this.clock.now();
      const text = output.join('').trim().slice(0, OUTPUT_LIMIT);
      entry.state = afterProbe(entry.state, exitCode === 0, check.retries, now - startedAt < check.startPeriodMs);
      entry.log = withProbe(entry.log, { start, end: now, exitCode, output: text });
      const decided = decideHealthReport(entry.reports, entry.state.status, this.recorded(data.id), now);
      entry.reports = decided.reports;
      if (decided.report) {
        this.dispatch(data.id, { type: 'ReportHealth', status: entry.state.status, failingStreak: entry.state.failingStreak, output: text });
      }
      entry.timer = this.clock.setTimeout(() => void probe(), check.intervalMs);
    };
    entry.timer = this.clock.setTimeout(() => void probe(), check.intervalMs);
    this.monitored.set(data.id, entry);
  }

  /** What the monitor knows of a container it probes: status and streak as of the last probe, and the last probes. */
  view(id: string): HealthView | undefined {
    const entry = this.monitored.get(id);
    return entry && { status: entry.state.status, failingStreak: entry.state.failingStreak, log: entry.log };
  }

  stop(id: string): void {
    this.clock.clearTimeout(this.monitored.get(id)?.timer);
    this.monitored.delete(id);
  }

  stopAll(): void {
    for (const id of [...this.monitored.keys()]) this.stop(id);
  }
}
