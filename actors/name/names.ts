/**
 * The host's names: one entity per name (actors/name/decide.ts holds the rule), found by
 * namespace and name, and their reconciliation with the containers at start. A claim is true
 * when its owner exists and carries the name; a crash between a claim and a create, or between
 * a removal and its release, is corrected here.
 */
import { randomUUID } from 'node:crypto';
import type { NameCommand, NameNamespace } from '../../events/name.js';
import type { EventStore } from '../../events/store.js';
import type { ContainerState } from '../container/state.js';
import { Entity, type CommandMeta, type EntityHooks } from '../entity.js';
import { nameRules } from '../rules.js';
import { nameEntityId, type NameState } from './state.js';
import { exists } from '../../events/containerStatus.js';
import { processLogger } from '../../log/settings.js';

export type NameEntity = Entity<NameState, NameCommand>;

export interface NamesDeps {
  host: string;
  store: EventStore;
  hooks: EntityHooks;
  /** Every container of the host, live or not. */
  containers(): Array<{ id: string; state: ContainerState }>;
}

export class Names {
  readonly entities = new Map<string, NameEntity>();
  private started = false;

  constructor(private readonly deps: NamesDeps) {}

  /** The entity for an entity id (replay) or a name (byName), created on first use. */
  entity(id: string): NameEntity {
    let entity = this.entities.get(id);
    if (!entity) {
      entity = new Entity(nameRules, id, this.deps.host, this.deps.store, this.deps.hooks);
      this.entities.set(id, entity);
      if (this.started) entity.start(nameRules.machine);
    }
    return entity;
  }

  byName(namespace: NameNamespace, name: string): NameEntity {
    return this.entity(nameEntityId(namespace, name));
  }

  /** Who holds a name now (null: free). */
  holder(namespace: NameNamespace, name: string): string | null {
    const entity = this.entities.get(nameEntityId(namespace, name));
    return entity?.state.status === 'claimed' ? entity.state.owner : null;
  }

  /** Claims a name for `owner`; throws the decider's conflict when another holds it. */
  async claim(namespace: NameNamespace, name: string, owner: string, meta: CommandMeta, replacing?: string): Promise<void> {
    await this.byName(namespace, name).execute({ type: 'Claim', namespace, name, owner, ...(replacing ? { replacing } : {}) }, meta);
  }

  /** Gives a name up, if `owner` holds it. */
  async release(namespace: NameNamespace, name: string, owner: string, meta: CommandMeta): Promise<void> {
    const entity = this.entities.get(nameEntityId(namespace, name));
    if (entity) await entity.execute({ type: 'Release', owner }, meta);
  }

  /** Goes live (names have no effects), then makes the claims agree with the containers. */
  async start(): Promise<void> {
    this.started = true;
    for (const entity of this.entities.values()) entity.start(nameRules.machine);
    await this.reconcile();
  }

  stop(): void {
    for (const entity of this.entities.values()) entity.stop();
  }

  /** Names whose claim does not match a container are released; containers without a claim claim theirs. */
  async reconcile(): Promise<void> {
    const containers = new Map(this.deps.containers().map((c) => [c.id, c.state]));
    /** Container → the name it holds a claim on that matches it. */
    const held = new Map<string, string>();
    for (const entity of this.entities.values()) {
      const { status, namespace, name, owner } = entity.state;
      if (status !== 'claimed' || namespace !== 'container') continue;
      const state = containers.get(owner!);
      if (!state || !exists(state.status) || state.config?.name !== name) await this.run(entity, { type: 'Release', owner: owner! });
      else held.set(owner!, name!);
    }
    for (const [id, state] of containers) {
      const name = state.config?.name;
      if (!exists(state.status) || !name) continue;
      // Its own claim, seen above: nothing to look up (a name's entity id is a hash; 7,000 cost a start 40 ms).
      if (held.get(id) === name) continue;
      const entity = this.byName('container', name);
      if (entity.state.status === 'claimed') {
        // Claimed by it already: the claim would decide nothing (10,000 of them cost a start 70 ms).
        if (entity.state.owner !== id) processLogger().warn('two containers carry one name; rename one', { name, containers: `${entity.state.owner!.slice(0, 12)},${id.slice(0, 12)}` });
        continue;
      }
      await this.run(entity, { type: 'Claim', namespace: 'container', name, owner: id });
    }
  }

  /** Runs a command the system issues; failures are logged, not thrown. */
  private async run(entity: NameEntity, command: NameCommand): Promise<void> {
    const meta: CommandMeta = { id: randomUUID(), correlation: entity.id };
    await entity.execute(command, meta).catch((error: Error) => {
      processLogger().error('a name command failed', { name: entity.state.name ?? entity.id.slice(0, 12), command: command.type, error });
    });
  }
}
