/** A Host over the in-memory twins and the fake kernel, for unit tests without a server or root. */
import type { AnyEvent } from '../../events/all.js';
import type { ContainerConfig } from '../../events/container.js';
import { Host } from '../../actors/host.js';
import { MemoryEventStore } from '../../memory/eventStore.js';
import { FakeKernel } from './worker.js';
import { createLogger } from '../../log/logger.js';
import { FakeNetworkKernel } from './networkKernel.js';

export const config: ContainerConfig = {
  name: 'web', image: 'b'.repeat(64), imageRef: 'busybox', cmd: ['sleep', '60'], env: [], workingDir: '', hostname: 'h', autoRemove: false, labels: {},
};

/** The creation of container `entity` on `host`, as a daemon would have recorded it. */
export function containerCreated(host: string, entity: string, name: string, over: Partial<ContainerConfig> = {}): AnyEvent {
  const id = `create-${entity}`;
  return {
    id, host, kind: 'container', entity, time: Date.now(), causation: id, correlation: id, attributes: { name, image: 'busybox' },
    type: 'container.created', data: { ...config, ...over, name },
  };
}

export interface TestHost {
  host: Host;
  store: MemoryEventStore;
  kernel: FakeKernel;
  /** What the host published (output chunks), by subject. */
  published: string[];
}

/** A host `id` over `store` (a fresh one by default), not started yet. */
export function testHost(id: string, store = new MemoryEventStore(), kernel = new FakeKernel()): TestHost {
  const published: string[] = [];
  const log = createLogger({ level: 'error' });
  const host = new Host(id, { publish: (subject) => { published.push(subject); } }, store, kernel.worker(), undefined, log, { defaultBridge: false, kernel: new FakeNetworkKernel() });
  return { host, store, kernel, published };
}
