/** `commit`: a container's changes become a new image on its host. */
import { z } from 'zod';

const strings = z.array(z.string()).nullish();
const keys = z.record(z.string(), z.object({})).nullish();

/**
 * A Config for the new image, in Docker's names (the JSON body of the API's `POST /commit`):
 * merged over the container's own as Docker merges them (runtime/images/commitMerge.ts).
 */
export const CommitRunConfig = z.object({
  Cmd: strings,
  Entrypoint: strings,
  Env: strings,
  Labels: z.record(z.string(), z.string()).nullish(),
  /** {"80/tcp": {}}. */
  ExposedPorts: keys,
  /** {"/data": {}}. */
  Volumes: keys,
  WorkingDir: z.string().nullish(),
  User: z.string().nullish(),
  StopSignal: z.string().nullish(),
});
export type CommitRunConfig = z.infer<typeof CommitRunConfig>;

export const containerCommitRequests = [
  /**
   * `reference`: the new image's REPO[:TAG] (none: an untagged image). `changes`: the --change
   * lines as typed (runtime/images/configChanges.ts parses them). `config`: a Config merged over
   * the container's (the API's body). `pause`: freeze a running container while its upper dir
   * is read. `progress`: an inbox for Progress messages.
   */
  z.object({
    op: z.literal('container.commit'), ref: z.string().min(1), reference: z.string().min(1).optional(),
    comment: z.string().optional(), author: z.string().optional(), changes: z.array(z.string()), config: CommitRunConfig.optional(), pause: z.boolean(),
    progress: z.string().optional(),
  }),
] as const;

export const containerCommitResults = {
  'container.commit': z.object({ id: z.string() }),
};
