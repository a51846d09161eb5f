/**
 * The containers of lost hosts, as `ps` shows them in a cluster: status `lost`, with what the
 * log last said of them (events/lostContainers.ts). A lost host cannot be asked, so these come
 * from the replicated events stream.
 */
import type { LostContainer } from '../events/lostContainers.js';
import { readLostContainers } from '../events/lostContainers.js';
import type { ContainerView } from '../events/requests.js';
import type { Client } from './client.js';

/** Pure: a lost container as a view; only the fields the log holds are filled. */
export function lostContainerView(lost: LostContainer): ContainerView {
  return {
    id: lost.id,
    host: lost.host,
    status: 'lost',
    config: { name: lost.name, imageRef: lost.image, image: '', cmd: [], labels: {}, mounts: [] } as unknown as ContainerView['config'],
    created: lost.time,
    pid: null,
    exitCode: null,
    oomKilled: false,
    error: `host ${lost.host} is lost; last recorded: ${lost.lastEvent}`,
    startedAt: null,
    finishedAt: lost.time,
    restartCount: 0,
    health: null,
  };
}

/** Every lost host's containers: those that were running, or all of them with `all`. */
export async function lostContainerViews(client: Client, all: boolean): Promise<ContainerView[]> {
  const lostHosts = (await client.hosts()).filter((h) => h.state === 'lost').map((h) => h.host);
  const found = (await Promise.all(lostHosts.map((host) => readLostContainers(client.nc, host)))).flat();
  return found.filter((c) => all || c.wasRunning).map(lostContainerView);
}
