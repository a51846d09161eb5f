/** The image statechart: none -> present -> deleted (and imported again). */
import { assign, setup } from 'xstate';
import type { ImageEvent } from '../../events/image.js';
import { evolveImage } from './evolve.js';
import { initialImageData, type ImageData } from './state.js';

const evolve = { type: 'evolve' } as const;

export const imageMachine = setup({
  types: {} as { context: ImageData; events: ImageEvent; input: { id: string; host: string } },
  actions: {
    evolve: assign(({ context, event }) => evolveImage(context, event)),
    /** Delete the image's files that no other image shares. */
    deleteFiles: () => {},
  },
}).createMachine({
  id: 'image',
  initial: 'none',
  context: ({ input }) => initialImageData(input),
  states: {
    none: { on: { 'image.imported': { target: 'present', actions: evolve } } },
    present: {
      on: {
        'image.tagged': { actions: evolve },
        'image.untagged': { actions: evolve },
        'image.deleted': { target: 'deleted', actions: [evolve, 'deleteFiles'] },
      },
    },
    deleted: { on: { 'image.imported': { target: 'present', actions: evolve } } },
  },
});

export type ImageMachine = typeof imageMachine;
