/**
 * Fencing and rescheduling, the effects (docs/MULTIHOST.md, "Fencing and rescheduling"). Every
 * round (a lost threshold, 6 s by default) each daemon, while its own heartbeat is in the replicated bucket:
 * - reads its own fence record: if it was fenced, it refuses commands, stops the duplicates of
 *   the containers rescheduled elsewhere (a `container.fenced` event on each says why), waits
 *   for them to be down, then writes the record `cleared` and serves again;
 * - tries to fence each lost host that is not fenced yet: it plans the replacements (plan.ts)
 *   and writes the record with optimistic concurrency (events/fenceStore.ts); one daemon wins;
 * - creates and starts the replacements that a record places on this host and that it does
 *   not hold yet (each with a `container.rescheduled` event saying where from and why).
 */
import { randomBytes } from 'node:crypto';
import type { ClusterStateReader } from '../../events/clusterState.js';
import type { FenceStore } from '../../events/fenceStore.js';
import { HOST_LOST_REASON, carriedForward, fencedReason, type FenceRecord, type Replacement, type StoredFence } from '../../events/fence.js';
import { readHostStatuses, type HostStatus } from '../hostStatus.js';
import { DEFAULT_TIMINGS, type HostTimings } from '../../events/hostTimings.js';
import { hexOf } from '../../runtime/images/digest.js';
import type { Host } from '../host.js';
import { ConcurrencyError } from '../../events/errors.js';
import type { Logger } from '../../log/logger.js';
import { resolveImage } from '../resolve.js';
import { createContainer } from '../container/create.js';
import { readContainerStates } from './lostStates.js';
import { duplicatesToStop, mayJudgeOthers, planReplacements, replacementName, replacementsToCreate, shouldFence } from './plan.js';
import { isUp } from '../../events/containerStatus.js';
import { takeOverLeases } from '../network/attach.js';

/** How long a duplicate may take to go down (its stop timeout, then SIGKILL). */
const DOWN_WITHIN_MS = 60_000;

export class Fencing {
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  /** What the round is doing, for an error's message. */
  private step = '';
  /** Replacements this host could not create (no image), reported once each. */
  private readonly reported = new Set<string>();

  constructor(
    private readonly fences: FenceStore,
    private readonly cluster: ClusterStateReader,
    private readonly host: Host,
    private readonly log: Logger,
    /** This host's own heartbeats: only while they go in steadily does it judge the others. */
    private readonly beats: { steadySince(): number | null },
    /**
     * A round runs every lost threshold: each reads the host states (three streams' last
     * messages), so not at every heartbeat; a lost host is fenced within about two thresholds.
     */
    private readonly timings: HostTimings = DEFAULT_TIMINGS,
  ) {}

  /** This host's record, when it is fenced and has not acknowledged it yet. */
  async ownFence(): Promise<StoredFence | null> {
    const fence = await this.fences.read(this.host.id);
    return fence?.record.state === 'fenced' ? fence : null;
  }

  /**
   * The host learns it was fenced: commands are refused (Host.fence), the duplicates are
   * stopped and recorded, and the record is written `cleared` at the revision read.
   */
  async acknowledge(fence: StoredFence): Promise<void> {
    this.host.fence = fence;
    const duplicates = duplicatesToStop(fence.record, [...this.host.containers.values()].map((c) => c.state));
    await Promise.all(duplicates.map(async ({ id, replacement }) => {
      const entity = this.host.container(id);
      // Frozen by its self-fence (actors/fencing/selfFencing.ts), or left frozen by it before a
      // restart: it must not run again beside its replacement, not even for its stop signal.
      const selfFrozen = entity.state.status !== 'paused' && (await this.host.worker.inspect(id)).frozen;
      await entity.execute(
        { type: 'Fence', reason: fencedReason(replacement), host: replacement.host, container: replacement.id },
        { id: `fence-${fence.revision}-${id}`, correlation: `fence-${fence.revision}` },
      );
      if (selfFrozen) await this.host.worker.killFrozen(id);
      await entity.waitFor((s) => !isUp(s.status), DOWN_WITHIN_MS);
      this.host.selfFenced.delete(id);
    }));
    const cleared: FenceRecord = { ...fence.record, state: 'cleared', clearedAt: Date.now() };
    const revision = await this.fences.write(cleared, fence.revision);
    if (revision === null) throw new ConcurrencyError('the fence record changed while it was being acknowledged');
    this.host.fence = null;
    this.log.warn('fenced: duplicates stopped, fence cleared', { seq: fence.revision, by: fence.record.by, duplicates: duplicates.length, cleared: revision });
  }

  /** One round: the own record, the lost hosts, the replacements placed here. */
  async tick(): Promise<void> {
    // While this host is self-fenced, selfFencing.ts ends that first (it acknowledges a fence itself).
    if (this.busy || this.host.selfFenced.size > 0) return;
    this.busy = true;
    try {
      this.step = 'reading its own fence';
      const own = await this.ownFence();
      this.step = 'acknowledging its fence';
      if (own) await this.acknowledge(own);
      // Cleared already (an acknowledgement whose answer was lost stored it after all).
      else this.host.fence = null;
      this.step = 'reading the host states';
      const statuses = await readHostStatuses(this.cluster);
      // Only a host whose heartbeat the majority stores acts for the cluster.
      const self = statuses.find((s) => s.host === this.host.id);
      if (!self || self.state === 'lost' || self.state === 'fenced') return;
      const judging = mayJudgeOthers(this.beats.steadySince(), Date.now(), this.timings);
      for (const status of statuses) {
        this.step = `fencing ${status.host}`;
        if (judging && shouldFence(status, this.host.id)) await this.fence(status, statuses);
      }
      const fences = statuses.flatMap((s) => (s.fence ? [s.fence] : []));
      if (this.log.enabled('debug')) this.log.debug('fencing round', { hosts: statuses.map((s) => `${s.host} ${s.state}${s.fence ? ` ${s.fence.record.state}@${s.fence.revision}` : ''}`).join(', ') });
      for (const { replacement, fence } of replacementsToCreate(fences, this.host.id, (id) => this.host.containers.has(id))) {
        this.step = `rescheduling ${replacement.container.slice(0, 12)}`;
        await this.createReplacement(replacement, fence);
      }
    } finally {
      this.busy = false;
    }
  }

  /** Tries to fence a lost host with the plan of its replacements; logs whether this daemon won. */
  private async fence(lost: HostStatus, statuses: HostStatus[]): Promise<void> {
    const containers = await readContainerStates(this.host.store, lost.host);
    const plan = planReplacements(containers, statuses.filter((s) => s.host !== lost.host), () => randomBytes(32).toString('hex'));
    const earlier = carriedForward(lost.fence?.record);
    const record: FenceRecord = { host: lost.host, state: 'fenced', by: this.host.id, time: Date.now(), reason: HOST_LOST_REASON, replacements: plan.replacements, ...(earlier.length ? { earlier } : {}) };
    const revision = await this.fences.write(record, lost.fence?.revision ?? null);
    if (revision === null) {
      this.log.debug('lost host was fenced by another daemon first', { host: lost.host });
      return;
    }
    const where = plan.replacements.map((r) => `${r.container.slice(0, 12)} -> ${r.host}/${r.id.slice(0, 12)}`).join(', ');
    this.log.warn('lost host fenced', { host: lost.host, seq: revision, by: this.host.id, rescheduled: where || 'none', unplaced: plan.unplaced.length || undefined });
  }

  /**
   * Creates and starts one replacement placed on this host: the same image id when this host
   * has it, else the image its reference names here (an image imported on each host has an id
   * per host: its config records when it was made).
   */
  private async createReplacement(replacement: Replacement, fence: StoredFence): Promise<void> {
    const { image: id, imageRef } = replacement.config;
    const present = this.host.images.get(hexOf(id))?.state.status === 'present';
    let image = id;
    if (!present) {
      try {
        image = resolveImage(this.host, imageRef).id;
      } catch {
        if (!this.reported.has(replacement.id)) this.log.warn('cannot reschedule here: the image is not on this host', { container: replacement.container.slice(0, 12), image: imageRef });
        this.reported.add(replacement.id);
        return;
      }
    }
    const taken = (name: string) => this.host.names.holder('container', name) !== null;
    const config = { ...replacement.config, image, name: replacementName(replacement.config.name, fence.record.host, taken) };
    const meta = (step: string) => ({ id: `${replacement.id}.${step}`, correlation: `fence-${fence.record.host}-${fence.revision}` });
    this.step = `creating replacement ${replacement.id.slice(0, 12)}`;
    // Through the one create path: the name is claimed, so no other creator gets it too. A
    // replacement not created is forgotten there, and the next round tries again.
    const entity = await createContainer(this.host, {
      id: replacement.id, config,
      prepare: async (prepared) => {
        await takeOverLeases(this.host, replacement.id, prepared.name, prepared.networking, replacement.container, replacement.id);
        return prepared;
      },
      rescheduledFrom: { host: fence.record.host, container: replacement.container, reason: fence.record.reason, fencedBy: fence.record.by, fenceRevision: fence.revision },
    }, meta('reschedule'));
    this.step = `starting replacement ${replacement.id.slice(0, 12)}`;
    await entity.execute({ type: 'Start' }, meta('start'));
    this.log.info('rescheduled here', { from: `${fence.record.host}/${replacement.container.slice(0, 12)}`, container: replacement.id.slice(0, 12), name: config.name });
  }

  start(): void {
    const tick = () => this.tick().catch((error: Error) => this.log.error('fencing round failed', { step: this.step, error }));
    this.timer = setInterval(tick, this.timings.hostLostMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
