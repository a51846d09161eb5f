/** Valid events for the conformance suites: container.created / renamed of an entity of a host. */
import type { AnyEvent } from '../../events/all.js';
import type { ContainerConfig } from '../../events/container.js';

export const config: ContainerConfig = {
  name: 'c', image: 'b'.repeat(64), imageRef: 'busybox', cmd: ['true'], env: [], workingDir: '', hostname: 'h', autoRemove: false, labels: {},
};

let made = 0;

/** A fresh host id, so that suites sharing one server do not see each other's events. */
export function freshHost(prefix: string): string {
  return `${prefix}${++made}x${process.pid}`;
}

/** An entity id of 64 hex characters. */
export function entityId(n: number): string {
  return n.toString(16).padStart(64, '0');
}

/** The creation of `entity` on `host`, with event id `id`. */
export function created(host: string, entity: string, id = `created-${host}-${entity}`): AnyEvent {
  return {
    id, host, kind: 'container', entity, time: Date.now(), causation: id, correlation: 't', attributes: { name: 'c' },
    type: 'container.created', data: config,
  };
}

/** A rename of `entity` on `host`: a second event of the same entity. */
export function renamed(host: string, entity: string, name: string): AnyEvent {
  const id = `rename-${host}-${entity}-${name}`;
  return {
    id, host, kind: 'container', entity, time: Date.now(), causation: id, correlation: 't', attributes: { name },
    type: 'container.renamed', data: { name, oldName: 'c' },
  };
}
