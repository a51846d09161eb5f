/**
 * The containers of lost hosts, as `ps` shows them in a cluster: status `lost`, with what the
 * log last said of them (nats/store/lostContainers.ts). A lost host cannot be asked, so these come
 * from the replicated events stream.
 */
import type { FenceRecord } from '../events/fence.js';
import type { LostContainer } from '../nats/store/lostContainers.js';
import { readLostContainers } from '../nats/store/lostContainers.js';
import type { ContainerView } from '../events/requests.js';
import { untilAnswered } from '../nats/server/untilAnswered.js';
import { READ_RETRY_MS } from './bus.js';
import type { EngineClient } from './engineClient.js';

/** Pure: a lost container as a view; only the fields the log holds are filled. `fence`: its host's fencing, which may have rescheduled it. */
export function lostContainerView(lost: LostContainer, fence?: FenceRecord): ContainerView {
  const replacement = fence?.replacements.find((r) => r.container === lost.id);
  return {
    ...(replacement ? { rescheduledTo: { host: replacement.host, id: replacement.id } } : {}),
    id: lost.id,
    host: lost.host,
    status: 'lost',
    config: { name: lost.name, imageRef: lost.image, image: '', cmd: [], labels: {}, mounts: [] } as unknown as ContainerView['config'],
    created: lost.time,
    pid: null,
    exitCode: null,
    oomKilled: false,
    error: `host ${lost.host} is lost; last recorded: ${lost.lastEvent}${replacement ? `; rescheduled to host ${replacement.host} as ${replacement.id}` : ''}`,
    startedAt: null,
    finishedAt: lost.time,
    restartCount: 0,
    health: null,
  };
}

/** Every lost (or fenced) host's containers: those that were running, or all of them with `all`. */
export async function lostContainerViews(client: EngineClient, all: boolean): Promise<ContainerView[]> {
  const lostHosts = (await client.hosts()).filter((h) => h.state === 'lost' || h.state === 'fenced');
  const read = (host: string) => untilAnswered(`reading the containers of host ${host}`, () => readLostContainers(client.nc, host), READ_RETRY_MS);
  const found = await Promise.all(lostHosts.map(async (h) => (await read(h.host))
    .filter((c) => all || c.wasRunning)
    .map((c) => lostContainerView(c, h.fence?.record.state === 'fenced' ? h.fence.record : undefined))));
  return found.flat();
}
