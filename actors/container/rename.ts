/** Renaming a container: the new name is claimed through the names decider, the old one released. */
import type { CommandMeta } from '../entity.js';
import type { ContainerEntity, Host } from '../host.js';
import { claimContainerName } from './create.js';

export async function renameContainer(host: Host, container: ContainerEntity, name: string, meta: CommandMeta): Promise<void> {
  const oldName = container.state.config?.name;
  const sameName = oldName === name;
  // Renaming to its own name is decide's conflict: the name stays claimed.
  if (!sameName) await claimContainerName(host, name, container.id, meta);
  try {
    await container.execute({ type: 'Rename', name }, meta);
  } catch (error) {
    if (!sameName && container.state.config?.name !== name) {
      await host.names.release('container', name, container.id, { id: `${meta.id}.unname`, correlation: meta.correlation });
    }
    throw error;
  }
  if (oldName !== undefined && !sameName) {
    await host.names.release('container', oldName, container.id, { id: `${meta.id}.release`, correlation: meta.correlation });
  }
}
