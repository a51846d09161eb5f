/**
 * A host as a node of the cluster: its availability, recorded as events on its own subject
 * (berth.evt.<host>.node.<host>) so that a drain survives restarts. Docker's node
 * availability words: `active` takes new containers, `drain` does not.
 */
import * as z from 'zod';
import { eventSchema } from './envelope.js';
import { lazySchema } from './lazySchema.js';

export const Availability = lazySchema(() => z.enum(['active', 'drain']));
export type Availability = z.infer<typeof Availability>;

/** The host's first start in the cluster: it exists from now on (lost when its heartbeat stops). */
export const NodeJoined = lazySchema(() => eventSchema('node.joined', z.object({})));
/** Placement stopped on this host (`berth host drain`). */
export const NodeDrained = lazySchema(() => eventSchema('node.drained', z.object({})));
/** Placement allowed again (`berth host activate`). */
export const NodeActivated = lazySchema(() => eventSchema('node.activated', z.object({})));

export const NodeEvent = lazySchema(() => z.discriminatedUnion('type', [NodeJoined, NodeDrained, NodeActivated]));
export type NodeEvent = z.infer<typeof NodeEvent>;

/** A host's availability after its last node event. Pure. */
export function availabilityAfter(last: NodeEvent['type'] | undefined): Availability {
  return last === 'node.drained' ? 'drain' : 'active';
}
