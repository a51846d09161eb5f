/**
 * The host actor: it owns this host's entity actors, rebuilds them from the log at start,
 * reconciles them with the kernel, and routes commands to them (one at a time per entity,
 * entities in parallel).
 */
import type { UserNamespace } from '../events/userNamespace.js';
import { randomUUID } from 'node:crypto';
import type { ContainerCommand } from '../events/container.js';
import type { ImageCommand } from '../events/image.js';
import type { EventStore } from '../events/store.js';
import type { Publisher } from '../events/publisher.js';
import { encode } from '../events/codec.js';
import { OutputChunk } from '../events/requests.js';
import { eventSubject, execOutputSubject, outputSubject } from '../events/subjects.js';
import { hexOf } from '../runtime/images/digest.js';
import type { WorkerContract } from '../runtime/workerContract.js';
import { containerEffects, type ContainerEffects } from './container/effects.js';
import type { HealthView } from '../events/health.js';
import { LogAdmission } from './logAdmission.js';
import { cgroupVerdict, kernelMatters, NOTHING_SEEN, reconcileContainer } from './container/reconcile.js';
import type { ContainerState } from './container/state.js';
import type { ImageState } from './image/state.js';
import type { NameState } from './name/state.js';
import { Entity, stateFrom, type CommandMeta, type EntityHooks } from './entity.js';
import { Checkpointer } from './checkpoints.js';
import { replay, type ReplayStats } from './replay.js';
import type { Kind } from '../events/envelope.js';
import type { SnapshotStore } from '../events/snapshots.js';
import type { StoredFence } from '../events/fence.js';
import type { FenceStore } from '../events/fenceStore.js';
import { containerRules, imageRules } from './rules.js';
import { Volumes } from './volume/volumes.js';
import type { Logger } from '../log/logger.js';
import type { LogConfig } from '../events/hostConfig.js';
import type { Durability, SettingSource } from '../events/requests/system.js';
import { Names } from './name/names.js';
import { reconcileTags } from './image/tags.js';
import { LayerGate } from './image/layerGate.js';
import { exists } from '../events/containerStatus.js';
import { Networks } from './network/networks.js';
import type { NetworkKernel } from '../runtime/network/kernel.js';
import { LinuxNetworkKernel } from '../runtime/network/linuxNetworkKernel.js';

/** The host's networking: the kernel behind it, and whether Docker's default `bridge` exists (not with --bridge none). */
export interface HostNetworkOptions {
  kernel?: NetworkKernel;
  defaultBridge: boolean;
  /** The link overlay networks' VXLAN traffic goes over (--data-interface). */
  dataInterface?: string;
  /** The data root, which a second daemon in the same network namespace is told (runtime/network/namespaceClaim.ts). */
  root?: string;
  /** The cluster's fence records (a takeover of an overlay lease is judged by them). */
  fences?: Pick<FenceStore, 'readAll'>;
}

/** The daemon's settings the handlers read; SIGHUP replaces the reloadable ones (actors/daemon.ts). */
export interface HostSettings {
  /** The default log options of a container created without its own (daemon.json's log-opts). */
  logConfig?: LogConfig;
  /** The config file the daemon read, null when none. */
  configFile: string | null;
  /** --userns-remap: the range every container gets unless created with --userns=host (not reloadable). */
  userns?: UserNamespace;
  /** Where each setting came from, by its daemon.json key (`berth info`). */
  sources: Record<string, SettingSource>;
}

export type ContainerEntity = Entity<ContainerState, ContainerCommand>;
export type ImageEntity = Entity<ImageState, ImageCommand>;

export class Host {
  readonly containers = new Map<string, ContainerEntity>();
  readonly images = new Map<string, ImageEntity>();
  /** Volume actors (actors/volume/volumes.ts). */
  readonly volumes: Volumes;
  /** Name actors: who holds each container name (actors/name/names.ts). */
  readonly names: Names;
  /** Network actors (actors/network/networks.ts). */
  readonly networks: Networks;
  private readonly effects: ContainerEffects;
  private imageMachine = imageRules.machine;
  /** Image file deletions kept apart from the work that makes or reuses layers (actors/image/layerGate.ts). */
  readonly layerGate: LayerGate;
  /**
   * Set while this host acknowledges its fencing (actors/fencing/fencing.ts): it stops its
   * rescheduled duplicates, and the server refuses commands meanwhile.
   */
  fence: StoredFence | null = null;
  /**
   * The containers this host froze itself, cut off from the cluster (actors/fencing/selfFencing.ts),
   * with when (ms since the epoch). Not in the log: the host could not write to it meanwhile.
   */
  readonly selfFenced = new Map<string, number>();
  /** Reconciliations since the start: containers checked against the kernel, commands they needed (metrics). */
  readonly reconciles = { containers: 0, commands: 0 };
  /** The daemon's settings the handlers read (HostSettings). */
  settings: HostSettings = { configFile: null, sources: {} };
  /** What an acknowledged event survives, by the events stream's copies (set by the daemon once it adopted the stream). */
  durability: Durability | null = null;
  /**
   * In-process listeners of a container's output, by container id (a build's RUN step follows
   * its container so): fed the chunks its output subject gets, in order, then `{eof: true}`
   * before the container is reported exited.
   */
  readonly outputTaps = new Map<string, (chunk: OutputChunk) => void>();
  /** False during replay; once true, new entities start live with their effects. */
  private live = false;
  /** The cgroup sweep running now, and whether another was asked for meanwhile. */
  private sweeping: Promise<void> | null = null;
  private sweepAgain = false;

  private readonly checkpoints: Checkpointer | null;
  /** Called by each entity after it appended events. */
  private readonly hooks: EntityHooks;

  constructor(
    readonly id: string,
    private readonly nc: Publisher,
    readonly store: EventStore,
    readonly worker: WorkerContract,
    private readonly snapshots: SnapshotStore | undefined,
    /** Where the host and its handlers log. */
    readonly log: Logger,
    network: HostNetworkOptions = { defaultBridge: false },
  ) {
    this.layerGate = new LayerGate((error) => log.error('deleting an image\'s files failed', { error }));
    this.checkpoints = snapshots
      ? new Checkpointer({
        host: id,
        snapshots,
        entities: () => this.entities(),
        log,
      })
      : null;
    const admission = new LogAdmission(store, () => this.compactRemovedContainers(), log);
    this.hooks = {
      admit: (types) => admission.admit(types),
      appended: (entity) => {
        this.checkpoints?.appended(entity);
        if (this.containers.get(entity.id) === entity) this.containerChanged(entity.state as ContainerState);
        if (this.containers.get(entity.id) === entity) {
          this.volumes.containerChanged(entity.state as ContainerState);
          this.networks.containerChanged(entity.state as ContainerState);
        }
      },
    };
    this.volumes = new Volumes({
      host: id, store, hooks: this.hooks, files: worker.volumes, containers: () => [...this.containers.values()], log,
      retiredContainer: (container) => this.retiredState<ContainerState>('container', container),
    });
    this.names = new Names({ host: id, store, hooks: this.hooks, containers: () => [...this.containers.values()] });
    this.networks = new Networks({
      host: id, store, hooks: this.hooks, kernel: network.kernel ?? new LinuxNetworkKernel(network.root ?? 'unknown'), defaultBridge: network.defaultBridge, dataInterface: network.dataInterface, fences: network.fences,
      containers: () => [...this.containers.values()],
      container: (id) => this.containers.get(id),
    });
    this.effects = containerEffects({
      worker,
      networkOf: (data) => this.networks.containerNetwork(data, (container) => this.containers.get(container)?.state.pid ?? null),
      dispatch: (entity, command) => this.dispatch(entity, command),
      publishOutput: (entity, chunk) => {
        this.outputTaps.get(entity)?.(chunk);
        this.nc.publish(outputSubject(this.id, entity), encode(OutputChunk, chunk));
      },
      publishExecOutput: (entity, execId, chunk) => this.nc.publish(execOutputSubject(this.id, entity, execId), encode(OutputChunk, chunk)),
      imageChains: (imageId) => this.images.get(imageId)?.state.record?.chainIds ?? [],
      state: (entity) => this.containers.get(entity)?.state,
      afterRemoval: () => void this.sweepCgroups(),
      log,
    });
    this.imageMachine = imageRules.machine.provide({
      actions: {
        deleteFiles: ({ context }) => {
          const record = context.record;
          if (!record) return;
          void this.layerGate.delete(async () => {
            // After this transition: the image no longer reads as present (unless recorded again since).
            await new Promise((resolve) => setImmediate(resolve));
            // What is in use is judged now, with no pull, import or build under way (LayerGate).
            const present = [...this.images.values()].filter((i) => i.state.status === 'present');
            const inUse = new Set(present.flatMap((i) => i.state.record?.chainIds ?? []));
            const configKept = present.some((i) => i.state.record?.configDigest === record.configDigest);
            await worker.deleteImage(record, inUse, configKept);
          });
        },
      },
    });
  }

  /** Every entity of this host, of every kind. */
  entities(): Array<Entity<unknown, unknown>> {
    return [...this.containers.values(), ...this.images.values(), ...this.volumes.entities.values(), ...this.names.entities.values(), ...this.networks.entities.values()] as Array<Entity<unknown, unknown>>;
  }

  /** The entities of a kind in memory, by id. */
  private entitiesOf(kind: Kind): Map<string, Entity<unknown, unknown>> | null {
    switch (kind) {
      case 'container': return this.containers as Map<string, Entity<unknown, unknown>>;
      case 'image': return this.images as Map<string, Entity<unknown, unknown>>;
      case 'volume': return this.volumes.entities as Map<string, Entity<unknown, unknown>>;
      case 'name': return this.names.entities as Map<string, Entity<unknown, unknown>>;
      case 'network': return this.networks.entities as Map<string, Entity<unknown, unknown>>;
      default: return null;
    }
  }

  /** Whether the entity of a kind and id is in memory (a retired one is not, until something names it). */
  has(kind: Kind, id: string): boolean {
    return this.entitiesOf(kind)?.has(kind === 'image' ? hexOf(id) : id) ?? false;
  }

  /**
   * The state of a retired entity that is not in memory, from its retired snapshot (undefined:
   * none, or one that is unusable).
   */
  private async retiredState<State>(kind: Kind, id: string): Promise<State | undefined> {
    const found = await this.snapshots?.retired(this.id, kind, id);
    return found?.snapshot ? stateFrom<State>(found.snapshot.value, found.snapshot.context) : undefined;
  }

  /** The entity of a kind and id, created on first use. */
  entityFor(kind: Kind, id: string): Entity<unknown, unknown> {
    switch (kind) {
      case 'container': return this.container(id) as Entity<unknown, unknown>;
      case 'image': return this.image(id) as Entity<unknown, unknown>;
      case 'volume': return this.volumes.entity(id) as Entity<unknown, unknown>;
      case 'name': return this.names.entity(id) as Entity<unknown, unknown>;
      case 'network': return this.networks.entity(id) as Entity<unknown, unknown>;
      default: throw new Error(`no entities of kind ${kind as string}`); // a bug: Kind is checked at the boundary
    }
  }

  /**
   * Replays this host's history (pure, from snapshots and the log's tail), goes live, then
   * reconciles with the kernel. The containers in `hold` (rescheduled elsewhere while this host
   * was fenced) are not started again by their policy: they are about to be stopped for good.
   */
  async start(hold: ReadonlySet<string> = new Set()): Promise<ReplayStats> {
    // Beside the replay: the cluster's networks are no entity of this host (networks.start waits for them).
    this.networks.readCluster().catch(() => {});
    const stats = await replay({ host: this.id, store: this.store, snapshots: this.snapshots, entityFor: (kind, id) => this.entityFor(kind, id), has: (kind, id) => this.has(kind, id),
      log: (message) => this.log.debug(message),
      report: (message) => this.log.error(message),
    });
    this.log.debug('replay done', { snapshots: stats.snapshots, events: stats.events });
    for (const entity of this.entities()) {
      const broken = entity.brokenMessage();
      if (broken && (entity.state as { status: string }).status !== 'removed') this.log.error(broken);
    }
    this.checkpoints?.started(stats.checkpoint);
    this.live = true;
    for (const image of this.images.values()) image.start(this.imageMachine);
    for (const container of this.containers.values()) container.start(this.effects.machine);
    // Bridges and rules before any container restarts onto them.
    await this.networks.start();
    this.log.debug('networks reconciled');
    await Promise.all([...this.containers.values()].map(async (container) => {
      const state = container.state;
      if (!exists(state.status)) return;
      await this.reconcile(container, hold);
    }));
    await this.sweepCgroups();
    this.log.debug('containers reconciled');
    await this.volumes.start();
    this.log.debug('volumes reconciled');
    await this.names.start();
    await reconcileTags(this, () => ({ id: randomUUID(), correlation: 'reconcile' }));
    return stats;
  }

  /**
   * Removes the container cgroups no container here holds (cgroupVerdict): at start and after
   * each removal, so a removal that failed is tried again. One sweep at a time; one asked for
   * meanwhile runs after it.
   */
  sweepCgroups(): Promise<void> {
    if (this.sweeping) {
      this.sweepAgain = true;
      return this.sweeping;
    }
    this.sweeping = (async () => {
      do {
        this.sweepAgain = false;
        await this.worker.sweepCgroups((id) => cgroupVerdict(this.containers.get(id)?.state.status));
      } while (this.sweepAgain);
    })().finally(() => { this.sweeping = null; });
    return this.sweeping;
  }

  /** When the snapshots were last written (ms since the epoch); null before the first write or without snapshots. */
  get snapshotsWrittenAt(): number | null {
    return this.checkpoints?.writtenAt ?? null;
  }

  /** Makes one container's record true to the kernel (after replay); see reconcileContainer. */
  private async reconcile(container: ContainerEntity, hold: ReadonlySet<string>): Promise<void> {
    const state = container.state;
    const repair = reconcileContainer(state, kernelMatters(state.status) ? await this.worker.inspect(container.id) : NOTHING_SEEN);
    this.reconciles.containers++;
    this.reconciles.commands += repair.commands.length;
    // One held is about to be stopped as a duplicate: left frozen (a self-fence), it is killed so (fencing.ts).
    if (repair.thaw && !hold.has(container.id)) await this.worker.unpause(container.id).catch((error: Error) => this.log.warn('thawing a container left frozen failed', { container: container.id.slice(0, 12), error }));
    if (repair.resume === 'await-start') {
      // In the background, so that one long copy-up does not hold up the daemon's start.
      void (async () => {
        while ((await this.worker.inspect(container.id)).settingUp) await new Promise((resolve) => setTimeout(resolve, 200));
        if (this.live) await this.reconcile(container, hold);
      })().catch((error: Error) => this.log.error('reconciling failed', { container: container.id.slice(0, 12), error }));
      return;
    }
    if (repair.resume) await this.effects.resume(state, repair.resume);
    for (const command of repair.commands) {
      if (!(hold.has(container.id) && command.type === 'Start')) this.dispatch(container.id, command);
    }
  }

  /**
   * Compaction: the history of containers removed more than `retentionMs` ago is deleted from
   * the log (and their actors from memory). `berth events --since` works within the period.
   */
  async compact(retentionMs: number, now = Date.now()): Promise<number> {
    const before = now - retentionMs;
    return this.compactWhere({
      container: ({ status, removedAt }) => status === 'removed' && removedAt !== null && removedAt <= before,
      // A name free for the period: its claims are history too.
      name: ({ status, releasedAt }) => status === 'released' && releasedAt !== null && releasedAt <= before,
    });
  }

  /** Compaction with no retention, for a log that is nearly full (logAdmission.ts): removed containers only. */
  compactRemovedContainers(): Promise<number> {
    return this.compactWhere({ container: ({ status }) => status === 'removed' });
  }

  /**
   * Purges the history of the entities `gone` selects, forgets their snapshots and drops them
   * from memory: those in memory, and the retired ones a start left out (read from their
   * snapshots). A retired snapshot that is unusable has its entity rebuilt from its events
   * first, so it is judged (and its snapshot written again) like any other.
   */
  private async compactWhere(gone: { container: (state: ContainerState) => boolean; name?: (state: NameState) => boolean }): Promise<number> {
    const selects = (kind: Kind) => (kind === 'container' ? gone.container : kind === 'name' ? gone.name : undefined) as ((state: unknown) => boolean) | undefined;
    const retired = this.snapshots ? await this.snapshots.allRetired(this.id) : { snapshots: [], unreadable: [] };
    for (const { kind, entity: id, problem } of retired.unreadable) {
      if (!selects(kind) || this.has(kind, id)) continue;
      this.log.error(`the retired snapshot of ${kind} ${id.slice(0, 12)} is unusable (${problem}); it is rebuilt from its events`);
      const entity = this.entityFor(kind, id);
      for await (const stored of this.store.read(eventSubject(this.id, kind, id), {}, (invalid) => entity.markInvalid(invalid))) entity.replay(stored);
      this.checkpoints?.rewrite(entity);
    }
    /** `<kind>.<id>` of the entities judged in memory. */
    const judged = new Set<string>();
    let purged = 0;
    for (const kind of ['container', 'name'] as const) {
      const select = selects(kind);
      if (!select) continue;
      for (const [id, entity] of this.entitiesOf(kind)!) {
        // A bare entity something looked up has no events yet: its retired snapshot says what it is.
        if (entity.lastSeq === 0) continue;
        judged.add(`${kind}.${id}`);
        if (!select(entity.state)) continue;
        await this.purge(kind, id);
        purged++;
      }
    }
    for (const snapshot of retired.snapshots) {
      const select = selects(snapshot.kind);
      if (!select || judged.has(`${snapshot.kind}.${snapshot.entity}`) || !select(stateFrom(snapshot.value, snapshot.context))) continue;
      // Something may have named it meanwhile (a name claimed again): then it is live, not history.
      if ((this.entitiesOf(snapshot.kind)!.get(snapshot.entity)?.lastSeq ?? 0) > 0) continue;
      await this.purge(snapshot.kind, snapshot.entity);
      purged++;
    }
    return purged;
  }

  /** Purges an entity's history, forgets its snapshot and drops it from memory. */
  private async purge(kind: Kind, id: string): Promise<void> {
    await this.store.purge(this.id, kind, id);
    await this.snapshots?.forget(this.id, kind, id);
    const entities = this.entitiesOf(kind)!;
    const entity = entities.get(id);
    if (entity) {
      entity.stop();
      this.checkpoints?.forget(entity);
      entities.delete(id);
    }
  }

  /** After a container's events: a removed container releases its volumes and its name. */
  private containerChanged(state: ContainerState): void {
    this.volumes.containerChanged(state);
    if (state.status !== 'removed' || !state.config) return;
    const meta: CommandMeta = { id: randomUUID(), correlation: state.id };
    this.names.release('container', state.config.name, state.id, meta)
      .catch((error: Error) => this.log.error('releasing a container name failed', { name: state.config!.name, error }));
  }

  /** Writes every pending snapshot and the checkpoint (at a clean stop). */
  async flushSnapshots(): Promise<void> {
    this.checkpoints?.stop();
    await this.checkpoints?.flush();
  }

  stop(): void {
    this.checkpoints?.stop();
    this.effects.stopAll();
    for (const entity of [...this.containers.values(), ...this.images.values()]) entity.stop();
    this.volumes.stop();
    this.names.stop();
    this.networks.stop();
  }

  /** The live health of a container this host probes (healthMonitor.ts), for ps and inspect. */
  containerHealth(id: string): HealthView | undefined {
    return this.effects.health(id);
  }

  /** The container actor for an id, created (and live, once started) on first use. */
  container(id: string): ContainerEntity {
    let entity = this.containers.get(id);
    if (!entity) {
      entity = new Entity(containerRules, id, this.id, this.store, this.hooks);
      this.containers.set(id, entity);
      if (this.live) entity.start(this.effects.machine);
    }
    return entity;
  }

  image(id: string): ImageEntity {
    const key = hexOf(id);
    let entity = this.images.get(key);
    if (!entity) {
      entity = new Entity(imageRules, key, this.id, this.store, this.hooks);
      this.images.set(key, entity);
      if (this.live) entity.start(this.imageMachine);
    }
    return entity;
  }

  /** Runs a command that the system itself issues (a worker report, an auto-remove). */
  dispatch(id: string, command: ContainerCommand): void {
    const meta: CommandMeta = { id: randomUUID(), correlation: id };
    this.container(id).execute(command, meta).catch((error: Error) => {
      this.log.warn('a command the host issued failed', { command: command.type, container: id.slice(0, 12), error });
    });
  }
}
