/**
 * The network statechart: none -> present -> removed (and created again under the same name).
 * Entering `present` runs `applyNetwork` (the bridge and the firewall), entering `removed` runs
 * `deleteNetwork`; the live actor provides both, replay runs neither.
 */
import { assign, setup } from 'xstate';
import type { NetworkEvent } from '../../events/network.js';
import { evolveNetwork } from './evolve.js';
import { initialNetworkData, type NetworkData } from './state.js';

const evolve = { type: 'evolve' } as const;

export const networkMachine = setup({
  types: {} as { context: NetworkData; events: NetworkEvent; input: { id: string; host: string } },
  actions: {
    evolve: assign(({ context, event }) => evolveNetwork(context, event)),
    /** Make the kernel's links and rules match the network. */
    applyNetwork: () => {},
    /** Delete the network's bridge and rules. */
    deleteNetwork: () => {},
  },
}).createMachine({
  id: 'network',
  initial: 'none',
  context: ({ input }) => initialNetworkData(input),
  states: {
    none: { on: { 'network.created': { target: 'present', actions: evolve } } },
    present: {
      entry: 'applyNetwork',
      on: {
        'network.connected': { actions: evolve },
        'network.disconnected': { actions: evolve },
        'network.removed': { target: 'removed', actions: evolve },
      },
    },
    removed: {
      entry: 'deleteNetwork',
      on: { 'network.created': { target: 'present', actions: evolve } },
    },
  },
});

export type NetworkMachine = typeof networkMachine;
