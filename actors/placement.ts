/**
 * Where a new container goes in a cluster, pure. The policy (docs/MULTIHOST.md): only `ready`
 * hosts (not draining, not lost) whose labels satisfy every constraint (`host=NAME` names one);
 * of those, the one with the most free memory, then the fewest running containers, then the
 * first by name. Spreading by free memory puts each new container where the most room is left.
 * `run` and `create` ask a daemon for it (system.place); fencing uses it for replacements.
 */
import type { PlacementConstraint } from '../events/container.js';
import { ValidationError } from '../events/errors.js';
import type { HostStatus } from './hostStatus.js';

function satisfies(status: HostStatus, constraints: PlacementConstraint[]): boolean {
  const labels = status.heartbeat?.labels ?? {};
  return constraints.every(({ key, value }) => (key === 'host' ? status.host === value : labels[key] === value));
}

export function placeContainer(statuses: HostStatus[], constraints: PlacementConstraint[]): string {
  const candidates = statuses.filter((s) => s.state === 'ready' && satisfies(s, constraints));
  if (candidates.length === 0) {
    const wanted = constraints.map(({ key, value }) => `${key}=${value}`).join(', ');
    const ready = statuses.filter((s) => s.state === 'ready').map((s) => s.host);
    throw new ValidationError(`no ready host${wanted ? ` satisfies ${wanted}` : ''} (ready: ${ready.join(', ') || 'none'})`);
  }
  candidates.sort((a, b) => {
    const ca = a.heartbeat!.capacity;
    const cb = b.heartbeat!.capacity;
    return cb.memoryFree - ca.memoryFree || ca.containersRunning - cb.containersRunning || a.host.localeCompare(b.host);
  });
  return candidates[0].host;
}
