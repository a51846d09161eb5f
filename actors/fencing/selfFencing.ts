/**
 * Self-fencing, the effects (docs/MULTIHOST.md, "Self-fencing"; the rules are selfFence.ts).
 * Every selfFenceCheckMs (events/hostTimings.ts) the host compares its lease (from the send of its last acknowledged
 * heartbeat) with its monotonic clock:
 * - run out: it freezes its reschedulable containers through the worker (the cgroup freezer,
 *   as `pause` does), before the rest of the cluster can see it lost;
 * - back while containers are frozen: it reads its fence record. Fenced: the duplicates stay
 *   frozen and fencing's acknowledgement kills them frozen (fencing.ts), the rest thaw. Not
 *   fenced: it writes its record cleared at the revision read (a fencer writing meanwhile makes
 *   that write fail: it reads again), then thaws them.
 * Either way each container gets a `container.self_fenced` event saying when it froze and how
 * it ended, once the log takes writes again.
 */
import type { FenceStore } from '../../events/fenceStore.js';
import type { SelfFence } from '../../events/container.js';
import type { ContainerState } from '../container/state.js';
import type { Logger } from '../../log/logger.js';
import { isUp } from '../../events/containerStatus.js';
import type { Host } from '../host.js';
import type { Fencing } from './fencing.js';
import { DEFAULT_TIMINGS, type HostTimings } from '../../events/hostTimings.js';
import { decideSelfFence, liftRecord, planLift } from './selfFence.js';

export class SelfFencing {
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  /** Until the first acknowledged heartbeat, the lease runs from the start. */
  private readonly started = performance.now();
  /** Events not appended yet (the log still electing its leader): tried again at each check. */
  private readonly unrecorded = new Map<string, SelfFence>();

  constructor(
    private readonly host: Host,
    /** This host's heartbeats: when the last acknowledged one was sent (performance.now()). */
    private readonly beats: { acknowledgedSentAt(): number | null },
    private readonly fences: FenceStore,
    private readonly fencing: Fencing,
    private readonly log: Logger,
    private readonly timings: HostTimings = DEFAULT_TIMINGS,
  ) {}

  /** One check: freeze, lift, or nothing. */
  async check(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      this.forgetEnded();
      const leaseFrom = this.beats.acknowledgedSentAt() ?? this.started;
      const now = performance.now();
      const step = decideSelfFence(leaseFrom, now, this.states(), new Set(this.host.selfFenced.keys()), this.timings.leaseMs);
      if (step.type === 'freeze') await this.freeze(step.ids, now - leaseFrom);
      else if (step.type === 'lift') await this.lift();
      await this.record();
    } finally {
      this.busy = false;
    }
  }

  /** The host's containers' states, read as the decider iterates them. */
  private *states(): Generator<ContainerState> {
    for (const container of this.host.containers.values()) yield container.state;
  }

  /** A frozen container that ended meanwhile (killed frozen, removed) has nothing left to thaw. */
  private forgetEnded(): void {
    for (const id of this.host.selfFenced.keys()) {
      const status = this.host.containers.get(id)?.state.status;
      if (!status || !isUp(status)) this.host.selfFenced.delete(id);
    }
  }

  private async freeze(ids: string[], leaseAgeMs: number): Promise<void> {
    await Promise.all(ids.map(async (id) => {
      try {
        await this.host.worker.pause(id);
        this.host.selfFenced.set(id, Date.now());
      } catch (error) {
        // Its cgroup not made yet (starting) or gone (exited): the next check looks again.
        this.log.debug('self-fence: freezing failed', { container: id.slice(0, 12), error: error as Error });
      }
    }));
    const frozen = ids.filter((id) => this.host.selfFenced.has(id));
    if (frozen.length) this.log.warn('self-fenced: no heartbeat acknowledged within the lease, containers frozen', { leaseMs: this.timings.leaseMs, sinceLastSentMs: Math.round(leaseAgeMs), frozen: frozen.map((id) => id.slice(0, 12)).join(',') });
  }

  /** The lease is back: how the self-fence ends depends on the fence record (planLift). */
  private async lift(): Promise<void> {
    const read = await this.fences.read(this.host.id);
    const plan = planLift(new Set(this.host.selfFenced.keys()), read?.record ?? null, [...this.states()]);
    if (read?.record.state === 'fenced') {
      for (const id of plan.stop) this.unrecorded.set(id, { frozenAt: this.host.selfFenced.get(id)!, outcome: 'fenced', reason: `its host was fenced (by ${read.record.by}) while cut off: frozen until stopped` });
      await this.thaw(plan.thaw, `the lease came back; its host was fenced by ${read.record.by}, but it was not rescheduled`);
      // Recorded before the stop, so that the log reads freeze, fence, die.
      await this.record();
      await this.fencing.acknowledge(read);
      return;
    }
    // Cleared at the revision read: a fence written since makes this fail, and the next check reads it.
    const revision = await this.fences.write(liftRecord(this.host.id, read?.record ?? null, Date.now()), read?.revision ?? null);
    if (revision === null) return;
    await this.thaw(plan.thaw, 'the lease came back before any host fenced it');
  }

  private async thaw(ids: string[], reason: string): Promise<void> {
    for (const id of ids) {
      await this.host.worker.unpause(id);
      this.unrecorded.set(id, { frozenAt: this.host.selfFenced.get(id)!, outcome: 'thawed', reason });
      this.host.selfFenced.delete(id);
    }
    if (ids.length) this.log.warn('self-fence lifted, containers thawed', { reason, thawed: ids.map((id) => id.slice(0, 12)).join(',') });
  }

  /** Appends the self-fences that ended (idempotent: the event id is the container's and the freeze's). */
  private async record(): Promise<void> {
    for (const [id, selfFence] of this.unrecorded) {
      const entity = this.host.containers.get(id);
      if (entity) {
        const meta = { id: `self-fence-${id}-${selfFence.frozenAt}`, correlation: `self-fence-${this.host.id}` };
        try {
          await entity.execute({ type: 'RecordSelfFence', selfFence }, meta);
        } catch (error) {
          this.log.debug('self-fence: recording failed, tried again', { container: id.slice(0, 12), error: error as Error });
          return;
        }
      }
      this.unrecorded.delete(id);
    }
  }

  start(): void {
    const check = () => this.check().catch((error: Error) => this.log.warn('self-fence check failed', { error }));
    this.timer = setInterval(check, this.timings.selfFenceCheckMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
