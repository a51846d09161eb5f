/**
 * The volume statechart: none -> present -> removed (and created again under the same name).
 * Entering `removed` runs `deleteData`, which the live actor provides; replay never runs it.
 */
import { assign, setup } from 'xstate';
import type { VolumeEvent } from '../../events/volume.js';
import { evolveVolume } from './evolve.js';
import { initialVolumeData, type VolumeData } from './state.js';

const evolve = { type: 'evolve' } as const;

export const volumeMachine = setup({
  types: {} as { context: VolumeData; events: VolumeEvent; input: { id: string; host: string } },
  actions: {
    evolve: assign(({ context, event }) => evolveVolume(context, event)),
    /** Delete the volume's directory, whole or not at all. */
    deleteData: () => {},
  },
}).createMachine({
  id: 'volume',
  initial: 'none',
  context: ({ input }) => initialVolumeData(input),
  states: {
    none: { on: { 'volume.created': { target: 'present', actions: evolve } } },
    present: {
      on: {
        'volume.mounted': { actions: evolve },
        'volume.unmounted': { actions: evolve },
        'volume.removed': { target: 'removed', actions: evolve },
      },
    },
    removed: {
      entry: 'deleteData',
      on: { 'volume.created': { target: 'present', actions: evolve } },
    },
  },
});

export type VolumeMachine = typeof volumeMachine;
