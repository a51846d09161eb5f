/**
 * A lost host's containers as its log says they were: every event of its containers folded
 * through the container machine's pure transition, as a replay does (no effect runs). The
 * fencer reads them from the replicated stream, since the lost host cannot be asked.
 */
import { initialTransition, transition } from 'xstate';
import type { AnyEvent } from '../../events/all.js';
import type { ContainerEvent } from '../../events/container.js';
import { describeInvalid, type EventStore } from '../../events/store.js';
import { eventFilter } from '../../events/subjects.js';
import { containerMachine } from '../container/machine.js';
import type { ContainerState } from '../container/state.js';
import { processLogger } from '../../log/settings.js';

/** Pure: events (of any containers, in stream order) in, each container's state out. */
export function foldContainers(events: AnyEvent[]): ContainerState[] {
  const snapshots = new Map<string, ReturnType<typeof initialTransition<typeof containerMachine>>[0]>();
  for (const event of events) {
    if (event.kind !== 'container') continue;
    const snapshot = snapshots.get(event.entity) ?? initialTransition(containerMachine, { id: event.entity, host: event.host })[0];
    snapshots.set(event.entity, transition(containerMachine, snapshot, event as ContainerEvent)[0]);
  }
  return [...snapshots.values()].map((s) => ({ ...s.context, status: s.value as ContainerState['status'] }));
}

/**
 * A container with an invalid event in its history is left out (its state cannot be known, so
 * it is not rescheduled), and said so.
 */
export async function readContainerStates(store: EventStore, host: string): Promise<ContainerState[]> {
  const events: AnyEvent[] = [];
  const unknown = new Set<string>();
  for await (const stored of store.read(eventFilter(host, 'container'), {}, (invalid) => {
    unknown.add(invalid.subject.split('.').at(-1)!);
    processLogger().error('an invalid event: that container is not rescheduled', { host, problem: describeInvalid(invalid) });
  })) events.push(stored.event);
  return foldContainers(events.filter((event) => !unknown.has(event.entity)));
}
