/** The image statechart: none -> present -> deleted (and imported, pulled, loaded or committed again). */
import { assign, setup } from 'xstate';
import type { ImageEvent } from '../../events/image.js';
import { evolveImage } from './evolve.js';
import { initialImageData, type ImageData } from './state.js';

const evolve = { type: 'evolve' } as const;
/** The ways an image enters the store. */
const arrivals = {
  'image.imported': { target: 'present', actions: evolve },
  'image.pulled': { target: 'present', actions: evolve },
  'image.loaded': { target: 'present', actions: evolve },
  'image.committed': { target: 'present', actions: evolve },
} as const;

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
    none: { on: arrivals },
    present: {
      on: {
        'image.tagged': { actions: evolve },
        'image.untagged': { actions: evolve },
        'image.pushed': { actions: evolve },
        'image.deleted': { target: 'deleted', actions: [evolve, 'deleteFiles'] },
      },
    },
    deleted: { on: arrivals },
  },
});

export type ImageMachine = typeof imageMachine;
