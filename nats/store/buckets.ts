/** Opening a KV bucket: adopted as it is when it exists, created with the given options when not. */
import type { NatsConnection } from '@nats-io/transport-node';
import { streamExists } from './jetStream.js';
import { Kvm, type KV, type KvOptions } from '@nats-io/kv';

export async function openBucket(nc: NatsConnection, name: string, options: Partial<KvOptions>): Promise<KV> {
  const exists = await streamExists(nc, `KV_${name}`);
  const kvm = new Kvm(nc);
  return exists ? kvm.open(name) : kvm.create(name, options);
}
