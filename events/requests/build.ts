/** `build`: a Dockerfile and its context (a tar) become an image on the host. */
import * as z from 'zod';
import { lazySchema } from '../lazySchema.js';

export const BuildOptions = lazySchema(() => z.object({
  /** The Dockerfile's path inside the context (default `Dockerfile`), or its text (`-f -`). */
  dockerfile: z.string().min(1).optional(),
  dockerfileText: z.string().optional(),
  tags: z.array(z.string().min(1)),
  buildArgs: z.record(z.string(), z.string()),
  target: z.string().min(1).optional(),
  noCache: z.boolean(),
  /** `--label`: added to the image's labels. */
  labels: z.record(z.string(), z.string()),
  /** The RUN containers' network: none (the default), host, or a network's name. */
  network: z.string().min(1).optional(),
  /** `--add-host HOST:IP` for the RUN containers. */
  extraHosts: z.array(z.string()).optional(),
  /**
   * A remote context the daemon fetches instead of an uploaded one (`berth build URL`, the
   * API's `remote=`): a git repository (`https://host/repo.git#ref:subdir`, `git://`, `git@`),
   * or an http(s) URL to a tar (plain or gzip) or to a Dockerfile.
   */
  remote: z.string().min(1).optional(),
}));
export type BuildOptions = z.infer<typeof BuildOptions>;

/**
 * One build event, sent to the request's inbox as it happens: a vertex (a step) starts, is
 * found in the cache, logs a line of its output, ends or fails; and `info` lines (warnings).
 * `vertex` numbers the steps as BuildKit's `#N`; `name` is BuildKit's (`[stage 2/3] RUN ...`).
 */
export const BuildEvent = lazySchema(() => z.object({
  vertex: z.number().int().nonnegative(),
  name: z.string(),
  status: z.enum(['started', 'cached', 'log', 'done', 'error', 'info']),
  /** `log`: a line of output (stream and text); `error`: the message; `info`: the text. */
  text: z.string().optional(),
  stream: z.enum(['stdout', 'stderr']).optional(),
  /** Milliseconds since the vertex started (log and done lines). */
  elapsedMs: z.number().nonnegative().optional(),
}));
export type BuildEvent = z.infer<typeof BuildEvent>;

export const buildRequests = {
  /** `context`: a tar of the context (plain or gzip) under the run root, none with `options.remote`; `progress`: an inbox for BuildEvents. */
  'image.build': lazySchema(() => z.object({ op: z.literal('image.build'), context: z.string().min(1).optional(), options: BuildOptions, progress: z.string().optional() })),
};

export const buildResults = {
  'image.build': lazySchema(() => z.object({ id: z.string(), tags: z.array(z.string()) })),
};
