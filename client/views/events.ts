/** `events`' Docker-shaped record of a stored event. Pure. */
import type { DockerAction } from '../../events/actions.js';
import type { StoredEvent } from '../../events/store.js';

/** Docker names a volume by its name (our entity id is a hash of it, for the subject). */
export function actorId(stored: StoredEvent, action: DockerAction): string {
  return stored.event.kind === 'volume' ? (action.attributes.name ?? stored.event.entity) : stored.event.entity;
}

/** Docker's event record (what `--format json` prints and templates read: `{{.Actor.Attributes.name}}`). */
export function eventRecord(stored: StoredEvent, action: DockerAction): Record<string, unknown> {
  const { event } = stored;
  return {
    status: action.action,
    id: actorId(stored, action),
    from: action.attributes.image,
    Type: action.type,
    Action: action.action,
    Actor: { ID: actorId(stored, action), Attributes: action.attributes },
    scope: 'local',
    time: Math.floor(event.time / 1000),
    timeNano: event.time * 1e6,
    host: event.host,
    seq: stored.seq,
  };
}
