/** The data a network actor holds; its status is the machine's state value. */
import { createHash } from 'node:crypto';
import type { Endpoint, NetworkRecord } from '../../events/network.js';

export type NetworkStatus = 'none' | 'present' | 'removed';

export interface NetworkData {
  /** The entity id: derived from the name (networkEntityId). */
  id: string;
  host: string;
  record: NetworkRecord | null;
  /** ms since the epoch, from the created event. */
  created: number;
  /** The connected containers by id; each holds the lease of its address. */
  endpoints: Record<string, Endpoint>;
}

export type NetworkState = NetworkData & { status: NetworkStatus };

export function initialNetworkData(input: { id: string; host: string }): NetworkData {
  return { id: input.id, host: input.host, record: null, created: 0, endpoints: {} };
}

/**
 * A network's entity id, which names its subject: names may hold '.', which a subject token may
 * not, so the id is the sha256 hex of the name. Two creates of one name meet in one mailbox.
 */
export function networkEntityId(name: string): string {
  return createHash('sha256').update(`network:${name}`).digest('hex');
}
