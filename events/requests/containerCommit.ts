/** `commit`: a container's changes become a new image on its host. */
import * as z from 'zod';
import { lazySchema } from '../lazySchema.js';

const strings = lazySchema(() => z.array(z.string()).nullish());
const keys = lazySchema(() => z.record(z.string(), z.object({})).nullish());
/** A duration in nanoseconds; 0 inherits the container's. */
const nanoseconds = lazySchema(() => z.number().int().nonnegative().optional());

/** Docker's HealthConfig: Test ["CMD", ...], ["CMD-SHELL", command] or ["NONE"]; empty inherits. */
const HealthcheckConfig = lazySchema(() => z.object({
  Test: strings,
  Interval: nanoseconds,
  Timeout: nanoseconds,
  StartPeriod: nanoseconds,
  StartInterval: nanoseconds,
  Retries: z.number().int().nonnegative().optional(),
}));

/**
 * A Config for the new image, in Docker's names (the JSON body of the API's `POST /commit`):
 * merged over the container's own as Docker merges them (runtime/images/commitMerge.ts).
 */
export const CommitRunConfig = lazySchema(() => z.object({
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
  Healthcheck: HealthcheckConfig.nullish(),
}));
export type CommitRunConfig = z.infer<typeof CommitRunConfig>;

export const containerCommitRequests = {
  /**
   * `reference`: the new image's REPO[:TAG] (none: an untagged image). `changes`: the --change
   * lines as typed (runtime/images/configChanges.ts parses them). `config`: a Config merged over
   * the container's (the API's body). `pause`: freeze a running container while its upper dir
   * is read. `progress`: an inbox for Progress messages.
   */
  'container.commit': lazySchema(() => z.object({
    op: z.literal('container.commit'), ref: z.string().min(1), reference: z.string().min(1).optional(),
    comment: z.string().optional(), author: z.string().optional(), changes: z.array(z.string()), config: CommitRunConfig.optional(), pause: z.boolean(),
    progress: z.string().optional(),
  })),
};

export const containerCommitResults = {
  'container.commit': lazySchema(() => z.object({ id: z.string() })),
};
