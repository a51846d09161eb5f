/** The data a volume actor holds; its status is the machine's state value. */
import { createHash } from 'node:crypto';
import type { VolumeRecord } from '../../events/volume.js';

export type VolumeStatus = 'none' | 'present' | 'removed';

export interface VolumeData {
  /** The entity id: derived from the name (volumeEntityId). */
  id: string;
  host: string;
  record: VolumeRecord | null;
  /** ms since the epoch, from the created event. */
  created: number;
  /** The containers (running or stopped) that reference it, by id. */
  users: string[];
}

export type VolumeState = VolumeData & { status: VolumeStatus };

export function initialVolumeData(input: { id: string; host: string }): VolumeData {
  return { id: input.id, host: input.host, record: null, created: 0, users: [] };
}

/**
 * A volume's entity id, which names its subject: volume names may hold '.', which a subject
 * token may not, so the id is the sha256 hex of the name.
 */
export function volumeEntityId(name: string): string {
  return createHash('sha256').update(name).digest('hex');
}
