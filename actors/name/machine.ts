/** The name statechart: none -> claimed <-> released. It has no effects. */
import { assign, setup } from 'xstate';
import type { NameEvent } from '../../events/name.js';
import { evolveName } from './evolve.js';
import { initialNameData, type NameData } from './state.js';

const evolve = { type: 'evolve' } as const;

export const nameMachine = setup({
  types: {} as { context: NameData; events: NameEvent; input: { id: string; host: string } },
  actions: {
    evolve: assign(({ context, event }) => evolveName(context, event)),
  },
}).createMachine({
  id: 'name',
  initial: 'none',
  context: ({ input }) => initialNameData(input),
  states: {
    none: { on: { 'name.claimed': { target: 'claimed', actions: evolve } } },
    claimed: { on: { 'name.released': { target: 'released', actions: evolve } } },
    released: { on: { 'name.claimed': { target: 'claimed', actions: evolve } } },
  },
});

export type NameMachine = typeof nameMachine;
