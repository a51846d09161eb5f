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
    case 'container.destroyed': return as('destroy');
    case 'image.imported': return as('import');
    case 'image.tagged': return as('tag', { name: event.data.tag });
    case 'image.untagged': return as('untag', { name: event.data.tag });
    case 'image.deleted': return as('delete');
    case 'container.starting':
    case 'container.stopping':
    case 'container.removing':
      return null;
  }
}
