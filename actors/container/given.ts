/**
 * Test fixture for the container rules, given/when/then: folds event drafts through the
 * machine's pure transition() into the state decide sees. Used by the *.test.ts files here.
 */
import { initialTransition, transition } from 'xstate';
import type { ContainerConfig, ContainerEvent } from '../../events/container.js';
import type { Draft } from '../../events/envelope.js';
import { containerMachine } from './machine.js';
import type { ContainerState } from './state.js';

export const id = 'a'.repeat(64);
export const config: ContainerConfig = {
  name: 'web', image: 'b'.repeat(64), imageRef: 'busybox', cmd: ['true'], env: [], workingDir: '',
  hostname: 'h', autoRemove: false, labels: {},
};

let seq = 0;
/** A draft in a full envelope, with increasing ids and times. */
export const envelope = (draft: Draft<ContainerEvent>): ContainerEvent =>
  ({ ...draft, id: `e${++seq}`, host: 'h1', kind: 'container', entity: id, time: 1000 + seq, causation: 'c', correlation: 'c', attributes: {} }) as ContainerEvent;

/** Folds the drafts through the machine (pure) and returns the state decide sees. */
export function given(...drafts: Draft<ContainerEvent>[]): ContainerState {
  let snapshot = initialTransition(containerMachine, { id, host: 'h1' })[0];
  for (const draft of drafts) snapshot = transition(containerMachine, snapshot, envelope(draft))[0];
  return { ...snapshot.context, status: snapshot.value as ContainerState['status'] };
}
