/** `commit`: a container's changes become a new image on its host. */
import { z } from 'zod';

export const containerCommitRequests = [
  /**
   * `reference`: the new image's REPO[:TAG] (none: an untagged image). `changes`: the --change
   * lines as typed (runtime/images/configChanges.ts parses them). `pause`: freeze a running
   * container while its upper dir is read. `progress`: an inbox for Progress messages.
   */
  z.object({
    op: z.literal('container.commit'), ref: z.string().min(1), reference: z.string().min(1).optional(),
    comment: z.string().optional(), author: z.string().optional(), changes: z.array(z.string()), pause: z.boolean(),
    progress: z.string().optional(),
  }),
] as const;

export const containerCommitResults = {
  'container.commit': z.object({ id: z.string() }),
};
