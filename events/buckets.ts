/** Opening a KV bucket: adopted as it is when it exists, created with the given options when not. */
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm, type KV, type KvOptions } from '@nats-io/kv';

export async function openBucket(nc: NatsConnection, name: string, options: Partial<KvOptions>): Promise<KV> {
  const jsm = await jetstreamManager(nc);
  const exists = await jsm.streams.info(`KV_${name}`).then(() => true, () => false);
  const kvm = new Kvm(nc);
  return exists ? kvm.open(name) : kvm.create(name, options);
}
