/**
 * The fence bucket (events/fence.ts): one record per host, written only with JetStream's
 * optimistic concurrency. A write names the revision its writer read (none: the key must not
 * exist); JetStream stores it only if that is still the key's last revision, so of several
 * daemons that saw the same lost host, exactly one stores its fence and the others learn they
 * lost the race.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import type { KV } from '@nats-io/kv';
import { openBucket } from './buckets.js';
import { decode, encode } from '../../events/codec.js';
import { FenceRecord, type StoredFence } from '../../events/fence.js';
import { isWrongLastSequence } from './jetStream.js';
import { FENCE_BUCKET } from '../../events/subjects.js';

export function openFenceBucket(nc: NatsConnection, replicas: number): Promise<KV> {
  return openBucket(nc, FENCE_BUCKET, { history: 1, replicas });
}

/** A host's current record, with its revision; null when it was never fenced. */
export async function readFence(kv: KV, host: string): Promise<StoredFence | null> {
  const entry = await kv.get(host);
  if (!entry || entry.operation !== 'PUT' || entry.value.length === 0) return null;
  return { record: decode(FenceRecord, entry.value), revision: entry.revision };
}

/**
 * Stores `record` if the host's key is still at `expected` (null: absent). Returns the new
 * revision, or null when another writer got there first.
 */
export async function writeFence(kv: KV, record: FenceRecord, expected: number | null): Promise<number | null> {
  const data = encode(FenceRecord, record);
  try {
    return expected === null ? await kv.create(record.host, data) : await kv.update(record.host, data, expected);
  } catch (error) {
    if (isWrongLastSequence(error)) return null;
    throw error;
  }
}
