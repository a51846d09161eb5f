/**
 * The host's volumes: their entity actors (keyed by entity id, found by name), the live
 * machine whose `deleteData` effect deletes a removed volume's files, the release of a removed
 * container's volumes, and reconciliation with the disk at start.
 */
import { randomUUID } from 'node:crypto';
import { NotFoundError } from '../../events/errors.js';
import type { MountSpec } from '../../events/mount.js';
import type { EventStore } from '../../events/store.js';
import type { VolumeCommand } from '../../events/volume.js';
import type { VolumeStore } from '../../runtime/volumes/store.js';
import type { ContainerState } from '../container/state.js';
import { Entity, type CommandMeta, type EntityHooks } from '../entity.js';
import { volumeRules } from '../rules.js';
import { volumeEntityId, type VolumeState } from './state.js';
import type { Logger } from '../../log/logger.js';
import { exists, isUp } from '../../events/containerStatus.js';

export type VolumeEntity = Entity<VolumeState, VolumeCommand>;

export interface VolumesDeps {
  host: string;
  store: EventStore;
  hooks: EntityHooks;
  files: VolumeStore;
  /** Every container of the host in memory (a retired one is not, after a start: retiredContainer). */
  containers(): Array<{ id: string; state: ContainerState }>;
  /** A removed container that is not in memory, from its retired snapshot (undefined: none). */
  retiredContainer(id: string): Promise<ContainerState | undefined>;
  log: Logger;
}

/** The volume mounts of a container's config. */
export function volumeMounts(state: ContainerState): MountSpec[] {
  return (state.config?.mounts ?? []).filter((mount) => mount.type === 'volume');
}

export class Volumes {
  readonly entities = new Map<string, VolumeEntity>();
  private readonly machine;
  private started = false;
  /** Containers removed with `rm -v`, until their removal is recorded. */
  private readonly removeWith = new Set<string>();

  constructor(private readonly deps: VolumesDeps) {
    this.machine = volumeRules.machine.provide({
      actions: {
        deleteData: ({ context }) => {
          const name = context.record?.name;
          if (!name) return;
          // Only if the name was not created again in the meantime.
          if (this.entities.get(context.id)?.state.status === 'present') return;
          void deps.files.remove(name).catch((error: Error) => deps.log.error('removing the volume\'s files failed', { volume: name, error }));
        },
      },
    });
  }

  /** The entity for an entity id (replay) or a name (everything else), created on first use. */
  entity(id: string): VolumeEntity {
    let entity = this.entities.get(id);
    if (!entity) {
      entity = new Entity(volumeRules, id, this.deps.host, this.deps.store, this.deps.hooks);
      this.entities.set(id, entity);
      if (this.started) entity.start(this.machine);
    }
    return entity;
  }

  byName(name: string): VolumeEntity {
    return this.entity(volumeEntityId(name));
  }

  /** The volumes that exist now. */
  present(): VolumeEntity[] {
    return [...this.entities.values()].filter((v) => v.state.status === 'present');
  }

  /** Goes live, then makes the log and the disk agree (see reconcile). */
  async start(): Promise<void> {
    this.started = true;
    for (const entity of this.entities.values()) entity.start(this.machine);
    await this.reconcile();
  }

  stop(): void {
    for (const entity of this.entities.values()) entity.stop();
  }

  /**
   * After a crash: finishes removals and creates on disk, drops half-done copy-ups, and corrects the users of
   * each volume from the containers that exist (a crash can fall between a container's
   * events and its volumes'). An anonymous volume of a removed --rm container is removed.
   */
  async reconcile(): Promise<void> {
    // A container that is starting (or started while the daemon was down) may be copying up.
    const busy = this.deps.containers().filter((c) => isUp(c.state.status));
    await this.deps.files.sweep(new Set(busy.flatMap((c) => volumeMounts(c.state).map((m) => m.source))));
    // A dir whose volume the log records as removed is a removal the crash cut short, and an
    // empty one no volume owns is a create cut short: both go. Data that no record explains is
    // never deleted: it is reported and left for the user.
    const known = new Set(this.present().map((v) => v.state.record!.name));
    const removed = new Set([...this.entities.values()].filter((v) => v.state.status === 'removed' && v.state.record).map((v) => v.state.record!.name));
    for (const name of await this.deps.files.names()) {
      if (known.has(name)) continue;
      if (removed.has(name) || (await this.deps.files.size(name)) === 0) await this.deps.files.remove(name);
      else this.deps.log.warn('volume dir has data but no volume record; left in place', { volume: name });
    }
    const containers = this.deps.containers();
    const users = new Map<string, Set<string>>();
    for (const container of containers.filter((c) => exists(c.state.status))) {
      for (const mount of volumeMounts(container.state)) {
        const set = users.get(mount.source) ?? new Set<string>();
        set.add(container.id);
        users.set(mount.source, set);
        const volume = this.byName(mount.source);
        if (volume.state.status === 'present' && !volume.state.users.includes(container.id)) {
          await this.run(volume, { type: 'Mount', container: container.id, destination: mount.destination });
        }
      }
    }
    for (const volume of this.present()) {
      const name = volume.state.record!.name;
      for (const user of volume.state.users) {
        if (!users.get(name)?.has(user)) await this.run(volume, { type: 'Unmount', container: user });
      }
    }
    // An anonymous volume whose --rm container was removed: its removal was cut short. That
    // container may be retired, out of memory since the start: its retired snapshot says.
    const inMemory = new Map(containers.map((c) => [c.id, c.state]));
    const owners = new Set(this.present().map((v) => v.state.record!).filter((r) => r.anonymous && r.container).map((r) => r.container!));
    for (const owner of owners) {
      const known = inMemory.get(owner);
      const state = known && known.status !== 'none' ? known : await this.deps.retiredContainer(owner);
      if (state?.status === 'removed' && state.config?.autoRemove) await this.releaseContainer(state, true);
    }
  }

  /** `rm -v`: when this container is removed, its anonymous volumes go with it. */
  removeAnonymousWith(container: string): void {
    this.removeWith.add(container);
  }

  /** Called after a container's events were appended: a removed container releases its volumes. */
  containerChanged(state: ContainerState): void {
    if (state.status !== 'removed' || volumeMounts(state).length === 0) return;
    const removeAnonymous = this.removeWith.delete(state.id) || (state.config?.autoRemove ?? false);
    void this.releaseContainer(state, removeAnonymous);
  }

  /** A container is gone: it no longer uses its volumes; its anonymous ones go with it when asked. */
  async releaseContainer(state: ContainerState, removeAnonymous: boolean): Promise<void> {
    for (const mount of volumeMounts(state)) {
      const volume = this.byName(mount.source);
      if (volume.state.status !== 'present') continue;
      await this.run(volume, { type: 'Unmount', container: state.id });
      const record = volume.state.record!;
      if (removeAnonymous && record.anonymous && record.container === state.id && volume.state.users.length === 0) {
        await this.run(volume, { type: 'Remove', force: false });
      }
    }
  }

  /** Runs a command the system issues; failures are logged, not thrown. */
  private async run(volume: VolumeEntity, command: VolumeCommand): Promise<void> {
    const meta: CommandMeta = { id: randomUUID(), correlation: volume.id };
    await volume.execute(command, meta).catch((error: Error) => {
      if (error instanceof NotFoundError) return; // removed meanwhile: nothing left to do
      this.deps.log.error('volume command failed', { volume: volume.state.record?.name ?? volume.id, command: command.type, error });
    });
  }
}
