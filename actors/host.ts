/**
 * The host actor: it owns this host's entity actors, rebuilds them from the log at start,
 * reconciles them with the kernel, and routes commands to them (one at a time per entity,
 * entities in parallel).
 */
import { randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import type { ContainerCommand } from '../events/container.js';
import type { ImageCommand } from '../events/image.js';
import type { EventStore } from '../events/store.js';
import { encode } from '../events/codec.js';
import { OutputChunk } from '../events/requests.js';
import { eventFilter, outputSubject } from '../events/subjects.js';
import { hexOf } from '../runtime/images/digest.js';
import type { Worker } from '../runtime/worker.js';
import { containerEffects, type ContainerEffects } from './container/effects.js';
import { reconcileContainer } from './container/reconcile.js';
import type { ContainerState } from './container/state.js';
import type { ImageState } from './image/state.js';
import { Entity, type CommandMeta } from './entity.js';
import { containerRules, imageRules } from './rules.js';

export type ContainerEntity = Entity<ContainerState, ContainerCommand>;
export type ImageEntity = Entity<ImageState, ImageCommand>;

export class Host {
  readonly containers = new Map<string, ContainerEntity>();
  readonly images = new Map<string, ImageEntity>();
  private readonly effects: ContainerEffects;
  private imageMachine = imageRules.machine;
  /** False during replay; once true, new entities start live with their effects. */
  private live = false;

  constructor(
    readonly id: string,
    private readonly nc: NatsConnection,
    readonly store: EventStore,
    readonly worker: Worker,
  ) {
    this.effects = containerEffects({
      worker,
      dispatch: (entity, command) => this.dispatch(entity, command),
      publishOutput: (entity, chunk) => this.nc.publish(outputSubject(this.id, entity), encode(OutputChunk, chunk)),
      imageChains: (imageId) => this.images.get(imageId)?.state.record?.chainIds ?? [],
      state: (entity) => this.containers.get(entity)?.state,
    });
    this.imageMachine = imageRules.machine.provide({
      actions: {
        deleteFiles: ({ context }) => {
          const record = context.record;
          if (!record) return;
          const inUse = new Set([...this.images.values()].filter((i) => i.state.status === 'present').flatMap((i) => i.state.record?.chainIds ?? []));
          void worker.deleteImage(record, inUse).catch((error: Error) => console.error(`berthd: delete image: ${error.message}`));
        },
      },
    });
  }

  /** Replays this host's history (pure), goes live, then reconciles with the kernel. Returns the number of events replayed. */
  async start(): Promise<number> {
    let count = 0;
    for await (const stored of this.store.read(eventFilter(this.id))) {
      const { event } = stored;
      if (event.kind === 'container') this.container(event.entity).replay(stored);
      else this.image(event.entity).replay(stored);
      count++;
    }
    this.live = true;
    for (const image of this.images.values()) image.start(this.imageMachine);
    for (const container of this.containers.values()) container.start(this.effects.machine);
    await Promise.all([...this.containers.values()].map(async (container) => {
      const state = container.state;
      if (state.status === 'none' || state.status === 'removed') return;
      const repair = reconcileContainer(state, await this.worker.inspect(container.id));
      if (repair.resume) this.effects.resume(state, repair.resume);
      for (const command of repair.commands) this.dispatch(container.id, command);
    }));
    return count;
  }

  stop(): void {
    this.effects.stopAll();
    for (const entity of [...this.containers.values(), ...this.images.values()]) entity.stop();
  }

  /** The container actor for an id, created (and live, once started) on first use. */
  container(id: string): ContainerEntity {
    let entity = this.containers.get(id);
    if (!entity) {
      entity = new Entity(containerRules, id, this.id, this.store);
      this.containers.set(id, entity);
      if (this.live) entity.start(this.effects.machine);
    }
    return entity;
  }

  image(id: string): ImageEntity {
    const key = hexOf(id);
    let entity = this.images.get(key);
    if (!entity) {
      entity = new Entity(imageRules, key, this.id, this.store);
      this.images.set(key, entity);
      if (this.live) entity.start(this.imageMachine);
    }
    return entity;
  }

  /** Runs a command that the system itself issues (a worker report, an auto-remove). */
  dispatch(id: string, command: ContainerCommand): void {
    const meta: CommandMeta = { id: randomUUID(), correlation: id };
    this.container(id).execute(command, meta).catch((error: Error) => {
      console.error(`berthd: ${command.type} ${id.slice(0, 12)}: ${error.message}`);
    });
  }
}
