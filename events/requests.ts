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
import { ValidationError, type WireError } from './errors.js';
import { networkRequests, networkResults } from './requests/network.js';
import { buildRequests, buildResults } from './requests/build.js';
import { lazySchema } from './lazySchema.js';

export { CreateSpec, ContainerView } from './requests/container.js';
export { StatsView } from './requests/containerRuntime.js';
export { ImageView, Progress } from './requests/image.js';
export { VolumeView } from './requests/volume.js';
export { NetworkView } from './requests/network.js';
export { BuildEvent, BuildOptions } from './requests/build.js';
export { InfoView, DiskUsageView } from './requests/system.js';

/** Every op's request, by op; each schema is built when it is first used (events/lazySchema.ts). */
export const RequestSchemas = { ...systemRequests, ...containerRequests, ...containerRuntimeRequests, ...containerCopyRequests, ...containerCommitRequests, ...pruneRequests, ...imageRequests, ...volumeRequests, ...networkRequests, ...nodeRequests, ...buildRequests };
export type Op = keyof typeof RequestSchemas;
export type Request = { [O in Op]: z.output<(typeof RequestSchemas)[O]> }[Op];
/** A request as a client gives it, before its schema fills in defaults. */
export type RequestInput = { [O in Op]: z.input<(typeof RequestSchemas)[O]> }[Op];

/** Any request: what a daemon decodes, which builds every op's schema. */
export const Request: z.ZodType<Request, RequestInput> = lazySchema(() => z.discriminatedUnion('op', Object.values(RequestSchemas) as unknown as [z.ZodObject<{ op: z.ZodLiteral<Op> }>]) as unknown as z.ZodType<Request, RequestInput>);

/** The envelope of a request: the id makes a resent request have one effect. */
const envelopeOf = (request: z.ZodType) => z.object({ id: z.string().min(1), request }) as unknown as z.ZodType<RequestEnvelope, RequestEnvelopeInput>;
export const RequestEnvelope = lazySchema(() => envelopeOf(Request));
export interface RequestEnvelope { id: string; request: Request }
export interface RequestEnvelopeInput { id: string; request: RequestInput }

const envelopes = new Map<Op, z.ZodType<RequestEnvelope, RequestEnvelopeInput>>();
/** The envelope of one op's requests: what a client encodes with, building that op's schema alone. */
export function requestEnvelopeOf(op: Op): z.ZodType<RequestEnvelope, RequestEnvelopeInput> {
  let envelope = envelopes.get(op);
  if (envelope === undefined) {
    const request = RequestSchemas[op];
    if (request === undefined) throw new ValidationError(`encode: no such request: ${String(op)}`);
    envelope = envelopeOf(request);
    envelopes.set(op, envelope);
  }
  return envelope;
}

/** The result each op replies with. */
export const Results = { ...systemResults, ...containerResults, ...containerRuntimeResults, ...containerCopyResults, ...containerCommitResults, ...pruneResults, ...imageResults, ...volumeResults, ...networkResults, ...nodeResults, ...buildResults } satisfies Record<Op, z.ZodType>;
export type Result<O extends Op> = z.infer<(typeof Results)[O]>;

/** An error as it crosses the bus (events/errors.ts's WireError). */
export const WireErrorSchema = lazySchema(() => z.object({
  name: z.string(),
  message: z.string(),
  exitCode: z.number().int(),
  op: z.string().optional(),
  path: z.string().optional(),
  errno: z.number().int().optional(),
  code: z.string().optional(),
  schema: z.object({ what: z.string(), found: z.number().int(), readable: z.number().int() }).optional(),
})) satisfies z.ZodType<WireError>;

export const Reply = lazySchema(() => z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({ ok: z.literal(false), error: WireErrorSchema }),
  /**
   * The encoded reply is larger than one message may be: the client fetches its `parts`
   * (`system.reply_part`), joins their `bytes` and decodes them as a Reply.
   */
  z.object({ ok: z.literal('chunked'), parts: z.number().int().positive(), bytes: z.number().int().positive() }),
]));
export type Reply = z.infer<typeof Reply>;

/** One chunk of container output on the output subject or a logs inbox; `eof` ends the stream. */
export const OutputChunk = lazySchema(() => z.object({
  stream: z.enum(['stdout', 'stderr']).optional(),
  data: z.string().optional(),
  /** When the shim read it (RFC 3339), from the container's log. */
  time: z.string().optional(),
  eof: z.boolean().optional(),
}));
export type OutputChunk = z.infer<typeof OutputChunk>;
