/**
 * The one way a container comes to exist, for every creator (a create request, fencing's
 * rescheduling, and what comes later): its name is claimed through the names decider
 * (actors/name/decide.ts), so two creators racing for one name get one container; then the
 * container's decide records the create. A create that fails gives its name back.
 */
import type { ContainerConfig, RescheduledFrom } from '../../events/container.js';
import type { CommandMeta } from '../entity.js';
import type { ContainerEntity, Host } from '../host.js';

export interface Creation {
  /** The new container's id (64 hex). */
  id: string;
  config: ContainerConfig;
  /** The replacement of a fenced host's container. */
  rescheduledFrom?: RescheduledFrom;
  /** Work between the claim and the create (the volumes), which may add to the config. */
  prepare?(config: ContainerConfig): Promise<ContainerConfig>;
}

/**
 * Claims a container name for `owner`. A holder that is gone (removed, its release not yet
 * recorded; or forgotten) gives it up in the same decision; a holder being created does not.
 */
export async function claimContainerName(host: Host, name: string, owner: string, meta: CommandMeta): Promise<void> {
  const holder = host.names.holder('container', name);
  const holderState = holder === null ? undefined : host.containers.get(holder)?.state;
  const gone = holder !== null && holder !== owner && (holderState === undefined || holderState.status === 'removed');
  await host.names.claim('container', name, owner, { id: `${meta.id}.name`, correlation: meta.correlation }, gone ? holder : undefined);
}

export async function createContainer(host: Host, creation: Creation, meta: CommandMeta): Promise<ContainerEntity> {
  const { id } = creation;
  // The entity exists from here on (status none), so no other creator takes its name as gone.
  const container = host.container(id);
  let config = creation.config;
  try {
    await claimContainerName(host, config.name, id, meta);
    if (creation.prepare) config = await creation.prepare(config);
    await container.execute({ type: 'Create', config, ...(creation.rescheduledFrom ? { rescheduledFrom: creation.rescheduledFrom } : {}) }, meta);
  } catch (error) {
    // Not created (the name taken, or the id): a name claimed goes back (a release by one who
    // does not hold it changes nothing), and an empty entity is forgotten.
    if (container.state.config?.name !== config.name) {
      await host.names.release('container', config.name, id, { id: `${meta.id}.unname`, correlation: meta.correlation })
        .catch((release: Error) => console.error(`berthd: give back the name ${config.name}: ${release.message}`));
    }
    if (container.state.status === 'none') {
      container.stop();
      host.containers.delete(id);
    }
    throw error;
  }
  return container;
}
