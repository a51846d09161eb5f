/**
 * How berth's events read as Docker's event actions, so users' tooling maps one to one.
 * Events with no Docker counterpart (starting, stopping, removing) map to null.
 */
import type { AnyEvent } from './all.js';

export interface DockerAction {
  /** "container" or "image". */
  type: string;
  action: string;
  attributes: Record<string, string>;
}

export function dockerAction(event: AnyEvent): DockerAction | null {
  const attributes = { ...event.attributes };
  const as = (action: string, extra: Record<string, string> = {}): DockerAction =>
    ({ type: event.kind, action, attributes: { ...attributes, ...extra } });
  switch (event.type) {
    case 'container.created': return as('create');
    case 'container.started': return as('start');
    case 'container.start_failed': return as('die', { exitCode: String(event.data.exitCode), error: event.data.error });
    case 'container.killed': return as('kill', { signal: event.data.signal });
    case 'container.died': return as('die', { exitCode: String(event.data.exitCode) });
    case 'container.stopped': return as('stop');
    case 'container.renamed': return as('rename', { name: event.data.name, oldName: `/${event.data.oldName}` });
    case 'container.updated': return as('update');
    case 'container.health_status': return as(`health_status: ${event.data.status}`);
    case 'container.destroyed': return as('destroy');
    // No Docker counterpart: berth's own actions for a cluster's fencing.
    case 'container.rescheduled': return as('reschedule', { fromHost: event.data.host, fromContainer: event.data.container, reason: event.data.reason, fencedBy: event.data.fencedBy });
    case 'container.fenced': return as('fence', { reason: event.data.reason, toHost: event.data.host, toContainer: event.data.container });
    case 'container.self_fenced': return as('self-fence', { reason: event.data.reason, outcome: event.data.outcome, frozenAt: new Date(event.data.frozenAt).toISOString() });
    case 'container.paused': return as('pause');
    case 'container.unpaused': return as('unpause');
    case 'container.oom': return as('oom');
    case 'container.exec_created': return as(`exec_create: ${event.data.cmd.join(' ')}`, { execID: event.data.execId });
    case 'container.exec_started': return as(`exec_start: ${event.data.execId}`, { execID: event.data.execId });
    case 'container.exec_died': return as('exec_die', { execID: event.data.execId, exitCode: String(event.data.exitCode) });
    case 'image.imported': return as('import');
    case 'image.pulled': return as('pull');
    case 'image.loaded': return as('load');
    case 'image.committed': return as('commit');
    case 'image.tagged': return as('tag', { name: event.data.tag });
    case 'image.untagged': return as('untag', { name: event.data.tag });
    case 'image.deleted': return as('delete');
    case 'image.pushed': return as('push', { name: event.data.tag });
    case 'volume.created': return as('create', { driver: event.data.driver });
    case 'volume.mounted': return as('mount', { container: event.data.container, destination: event.data.destination });
    case 'volume.unmounted': return as('unmount', { container: event.data.container });
    case 'volume.removed': return as('destroy');
    case 'network.created': return as('create', { type: event.data.driver });
    case 'network.connected': return as('connect', { container: event.data.container });
    case 'network.disconnected': return as('disconnect', { container: event.data.container });
    case 'network.removed': return as('destroy');
    case 'node.joined': return as('create');
    case 'node.drained': return as('update', { availability: 'drain' });
    case 'node.activated': return as('update', { availability: 'active' });
    case 'container.starting':
    case 'container.removal_failed':
    case 'container.restarting':
    case 'container.stopping':
    case 'container.removing':
    // A name's claims are bookkeeping: the container's own events say what happened.
    case 'name.claimed':
    case 'name.released':
      return null;
  }
}
