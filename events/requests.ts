/**
 * The requests a client sends to a host over `berth.cmd.<host>.<kind>`, and their replies.
 * Each kind declares its requests and results in events/requests/<kind>.ts; this file joins
 * them. Requests are intent; only events are facts.
 */
import * as z from 'zod';
import { containerRequests, containerResults } from './requests/container.js';
import { containerRuntimeRequests, containerRuntimeResults } from './requests/containerRuntime.js';
import { containerCopyRequests, containerCopyResults } from './requests/containerCopy.js';
import { containerCommitRequests, containerCommitResults } from './requests/containerCommit.js';
import { pruneRequests, pruneResults } from './requests/prune.js';
import { imageRequests, imageResults } from './requests/image.js';
import { nodeRequests, nodeResults } from './requests/node.js';
import { systemRequests, systemResults } from './requests/system.js';
import { volumeRequests, volumeResults } from './requests/volume.js';
import type { WireError } from './errors.js';
import { networkRequests, networkResults } from './requests/network.js';
import { buildRequests, buildResults } from './requests/build.js';

export { CreateSpec, ContainerView } from './requests/container.js';
export { StatsView } from './requests/containerRuntime.js';
export { ImageView, Progress } from './requests/image.js';
export { VolumeView } from './requests/volume.js';
export { NetworkView } from './requests/network.js';
export { BuildEvent, BuildOptions } from './requests/build.js';
export { InfoView, DiskUsageView } from './requests/system.js';

export const Request = z.discriminatedUnion('op', [...systemRequests, ...containerRequests, ...containerRuntimeRequests, ...containerCopyRequests, ...containerCommitRequests, ...pruneRequests, ...imageRequests, ...volumeRequests, ...networkRequests, ...nodeRequests, ...buildRequests]);
export type Request = z.infer<typeof Request>;
export type Op = Request['op'];

/** The envelope of a request: the id makes a resent request have one effect. */
export const RequestEnvelope = z.object({ id: z.string().min(1), request: Request });
export type RequestEnvelope = z.infer<typeof RequestEnvelope>;

/** The result each op replies with. */
export const Results = { ...systemResults, ...containerResults, ...containerRuntimeResults, ...containerCopyResults, ...containerCommitResults, ...pruneResults, ...imageResults, ...volumeResults, ...networkResults, ...nodeResults, ...buildResults } satisfies Record<Op, z.ZodType>;
export type Result<O extends Op> = z.infer<(typeof Results)[O]>;

/** An error as it crosses the bus (events/errors.ts's WireError). */
export const WireErrorSchema = z.object({
  name: z.string(),
  message: z.string(),
  exitCode: z.number().int(),
  op: z.string().optional(),
  path: z.string().optional(),
  errno: z.number().int().optional(),
  code: z.string().optional(),
  schema: z.object({ what: z.string(), found: z.number().int(), readable: z.number().int() }).optional(),
}) satisfies z.ZodType<WireError>;

export const Reply = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({ ok: z.literal(false), error: WireErrorSchema }),
  /**
   * The encoded reply is larger than one message may be: the client fetches its `parts`
   * (`system.reply_part`), joins their `bytes` and decodes them as a Reply.
   */
  z.object({ ok: z.literal('chunked'), parts: z.number().int().positive(), bytes: z.number().int().positive() }),
]);
export type Reply = z.infer<typeof Reply>;

/** One chunk of container output on the output subject or a logs inbox; `eof` ends the stream. */
export const OutputChunk = z.object({
  stream: z.enum(['stdout', 'stderr']).optional(),
  data: z.string().optional(),
  /** When the shim read it (RFC 3339), from the container's log. */
  time: z.string().optional(),
  eof: z.boolean().optional(),
});
export type OutputChunk = z.infer<typeof OutputChunk>;
