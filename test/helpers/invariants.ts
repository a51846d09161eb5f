/**
 * The chaos harness's invariant checker over the event log (issue 23): pure, so the unit test
 * can feed it hand-made logs. It takes the log in stream order and what the CLI saw
 * acknowledged, and returns every violation as one line; an empty list is a pass.
 *
 * - no event id is in the log twice;
 * - per entity, the order is a lifecycle's: `created` first and once, nothing after
 *   `destroyed`, no `started` while the container already runs (started until `died` or
 *   `start_failed`);
 * - no name ever had two running containers on one host (read in the host's own order);
 * - every acknowledged command has its events: a run its `created` and `started`, a stop a
 *   `died` of that container, an rm its `destroyed`.
 */

/** What the checker reads of one logged event. */
export interface LoggedEvent {
  id: string;
  type: string;
  host: string;
  entity: string;
  /** The container's name, from the event's attributes ('' when it has none). */
  name: string;
}

/** The commands the CLI saw succeed, by container id. */
export interface Acknowledged {
  runs: Iterable<string>;
  stops: Iterable<string>;
  removes: Iterable<string>;
}

const ENDS_RUNNING = new Set(['container.died', 'container.start_failed']);

export function checkLog(log: LoggedEvent[], acknowledged: Acknowledged): string[] {
  const violations: string[] = [];
  const seenIds = new Set<string>();
  const seenTypes = new Map<string, Set<string>>();
  const destroyed = new Set<string>();
  const running = new Map<string, string>(); // entity -> host/name while it runs
  const runningByName = new Map<string, string>(); // host/name -> entity
  const short = (entity: string) => entity.slice(0, 12);
  for (const event of log) {
    if (seenIds.has(event.id)) violations.push(`event ${event.id} (${event.type} of ${short(event.entity)}) is in the log twice`);
    seenIds.add(event.id);
    if (!event.type.startsWith('container.')) continue;
    const types = seenTypes.get(event.entity) ?? new Set<string>();
    seenTypes.set(event.entity, types);
    if (destroyed.has(event.entity)) violations.push(`${short(event.entity)}: ${event.type} after destroyed`);
    if (event.type === 'container.created' ? types.size > 0 : !types.has('container.created')) {
      violations.push(`${short(event.entity)}: ${event.type} ${event.type === 'container.created' ? 'twice or not first' : 'before created'}`);
    }
    types.add(event.type);
    const key = `${event.host}/${event.name}`;
    if (event.type === 'container.started') {
      if (running.has(event.entity)) violations.push(`${short(event.entity)}: started while it already runs`);
      const other = runningByName.get(key);
      if (event.name && other && other !== event.entity) violations.push(`name ${key}: ${short(event.entity)} started while ${short(other)} runs`);
      running.set(event.entity, key);
      if (event.name) runningByName.set(key, event.entity);
    } else if (ENDS_RUNNING.has(event.type) || event.type === 'container.destroyed') {
      const was = running.get(event.entity);
      running.delete(event.entity);
      if (was && runningByName.get(was) === event.entity) runningByName.delete(was);
      if (event.type === 'container.destroyed') destroyed.add(event.entity);
    }
  }
  const has = (entity: string, type: string) => seenTypes.get(entity)?.has(type) ?? false;
  for (const id of acknowledged.runs) {
    if (!has(id, 'container.created') || !has(id, 'container.started')) violations.push(`acknowledged run ${short(id)} has no created and started events`);
  }
  for (const id of acknowledged.stops) if (!has(id, 'container.died')) violations.push(`acknowledged stop of ${short(id)} has no died event`);
  for (const id of acknowledged.removes) if (!has(id, 'container.destroyed')) violations.push(`acknowledged rm of ${short(id)} has no destroyed event`);
  return violations;
}
