/**
 * The cluster's overlay networks as every host sees them: one entity per network under the
 * cluster scope (berth.evt._cluster.network.<entity>), which any host writes with the entity's
 * expected last sequence (Entity.execute: a host that lost the race reads the winner's event and
 * decides again, so two hosts never lease one address), and which every host follows live. Never
 * snapshotted under a host's keys: each start folds the whole of their history.
 */
import type { EventStore } from '../../events/store.js';
import { reportInvalid } from '../../events/store.js';
import { CLUSTER_SCOPE, clusterNetworkFilter } from '../../events/subjects.js';
import type { AnyStateMachine } from 'xstate';
import { Entity } from '../entity.js';
import { networkRules } from '../rules.js';
import { networkEntityId } from './state.js';
import type { NetworkEntity } from './networks.js';

export class ClusterNetworks {
  readonly entities = new Map<string, NetworkEntity>();
  private machine: AnyStateMachine | null = null;
  private follower: { stop(): Promise<void> } | null = null;

  /** `changed` runs after any cluster network changed, by this host or another. */
  constructor(private readonly store: EventStore, private readonly changed: () => void) {}

  entity(id: string): NetworkEntity {
    let entity = this.entities.get(id);
    if (!entity) {
      entity = new Entity(networkRules, id, CLUSTER_SCOPE, this.store, { appended: () => this.changed() });
      this.entities.set(id, entity);
      if (this.machine) entity.start(this.machine);
    }
    return entity;
  }

  byName(name: string): NetworkEntity {
    return this.entity(networkEntityId(name));
  }

  present(): NetworkEntity[] {
    return [...this.entities.values()].filter((n) => n.state.status === 'present');
  }

  /** Folds their history, goes live with `machine`, then follows what any host appends. */
  async start(machine: AnyStateMachine): Promise<void> {
    let last = 0;
    for await (const stored of this.store.read(clusterNetworkFilter(), {}, (invalid) => this.entity(invalid.subject.split('.')[4]).markInvalid(invalid))) {
      this.entity(stored.event.entity).replay(stored);
      last = stored.seq;
    }
    this.machine = machine;
    for (const entity of this.entities.values()) entity.start(machine);
    this.follower = await this.store.follow(clusterNetworkFilter(), { fromSeq: last + 1 }, (stored) => {
      if (this.entity(stored.event.entity).observe(stored)) this.changed();
    }, reportInvalid);
  }

  async stop(): Promise<void> {
    await this.follower?.stop().catch(() => {});
    for (const entity of this.entities.values()) entity.stop();
  }
}
