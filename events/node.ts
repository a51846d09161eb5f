/**
 * A host as a node of the cluster: its availability, recorded as events on its own subject
 * (berth.evt.<host>.node.<host>) so that a drain survives restarts. Docker's node
 * availability words: `active` takes new containers, `drain` does not.
 */
import * as z from 'zod';
import { eventSchema } from './envelope.js';

export const Availability = z.enum(['active', 'drain']);
export type Availability = z.infer<typeof Availability>;

/** The host's first start in the cluster: it exists from now on (lost when its heartbeat stops). */
export const NodeJoined = eventSchema('node.joined', z.object({}));
/** Placement stopped on this host (`berth host drain`). */
export const NodeDrained = eventSchema('node.drained', z.object({}));
/** Placement allowed again (`berth host activate`). */
export const NodeActivated = eventSchema('node.activated', z.object({}));

export const NodeEvent = z.discriminatedUnion('type', [NodeJoined, NodeDrained, NodeActivated]);
export type NodeEvent = z.infer<typeof NodeEvent>;

/** A host's availability after its last node event. Pure. */
export function availabilityAfter(last: NodeEvent['type'] | undefined): Availability {
  return last === 'node.drained' ? 'drain' : 'active';
}
