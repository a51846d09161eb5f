/** The data a name entity holds; its status is the machine's state value. */
import { createHash } from 'node:crypto';
import type { NameNamespace } from '../../events/name.js';

/** none: never claimed; claimed: held by `owner`; released: free again. */
export type NameStatus = 'none' | 'claimed' | 'released';

export interface NameData {
  /** The entity id: derived from the namespace and the name (nameEntityId). */
  id: string;
  host: string;
  namespace: NameNamespace | null;
  name: string | null;
  /** The entity that holds the name, while it is claimed. */
  owner: string | null;
  /** When it was last released, in ms since the epoch: compaction forgets it after the retention period. */
  releasedAt: number | null;
}

export type NameState = NameData & { status: NameStatus };

export function initialNameData(input: { id: string; host: string }): NameData {
  return { id: input.id, host: input.host, namespace: null, name: null, owner: null, releasedAt: null };
}

/**
 * A name's entity id, which names its subject: names hold '.', ':' and '/', which a subject
 * token may not, so the id is the sha256 hex of the namespace and the name.
 */
export function nameEntityId(namespace: NameNamespace, name: string): string {
  return createHash('sha256').update(`${namespace}/${name}`).digest('hex');
}
