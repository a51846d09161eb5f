/**
 * What a lost host held: its containers as the log last recorded them. A lost host cannot
 * answer, so the CLI reads the last event of each of its containers from the events stream
 * (replicated, readable while the host is gone) and shows them as lost, never as running
 * and never as gone.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import type { AnyEvent } from '../../events/all.js';
import { decodeEvent } from '../../events/eventCodec.js';
import { readLastPerSubject } from './lastPerSubject.js';
import { EVENTS_STREAM, eventFilter } from '../../events/subjects.js';

export interface LostContainer {
  id: string;
  host: string;
  name: string;
  image: string;
  /** The type of its last event, and when it was written. */
  lastEvent: string;
  time: number;
  /** Whether it was running (or on its way) when the host was lost. */
  wasRunning: boolean;
}

const RUNNING_AFTER = new Set([
  'container.starting', 'container.started', 'container.health_status', 'container.paused', 'container.unpaused',
  'container.exec_created', 'container.exec_started', 'container.exec_died', 'container.killed', 'container.stopping',
  'container.restarting', 'container.updated', 'container.renamed',
]);

/** Pure: a container's last event as a lost row; null once it was destroyed. */
export function lostContainerOf(event: AnyEvent): LostContainer | null {
  if (event.kind !== 'container' || event.type === 'container.destroyed') return null;
  return {
    id: event.entity,
    host: event.host,
    name: event.attributes.name ?? '',
    image: event.attributes.image ?? '',
    lastEvent: event.type,
    time: event.time,
    wasRunning: RUNNING_AFTER.has(event.type),
  };
}

export async function readLostContainers(nc: NatsConnection, host: string): Promise<LostContainer[]> {
  const found: LostContainer[] = [];
  for (const m of await readLastPerSubject(nc, EVENTS_STREAM, eventFilter(host, 'container'))) {
    try {
      const lost = lostContainerOf(decodeEvent(m.data));
      if (lost) found.push(lost);
    } catch {
      // an unreadable last event: the container cannot be shown (its host breaks it when it replays)
    }
  }
  return found;
}
