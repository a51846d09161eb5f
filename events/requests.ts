/**
 * The requests a client sends to a host over `berth.cmd.<host>.<kind>`, and their replies.
 * Requests are intent; only events are facts.
 */
import { z } from 'zod';
import { ContainerConfig } from './container.js';

/** What `run`/`create` asks for, before the host resolves the image. */
export const CreateSpec = z.object({
  /** The client may choose the id (64 hex), so that it can follow the container before it exists. */
  id: z.string().regex(/^[a-f0-9]{64}$/).optional(),
  name: z.string().optional(),
  imageRef: z.string().min(1),
  /** Replaces the image's Cmd when non-empty. */
  cmd: z.array(z.string()),
  env: z.array(z.string()),
  workingDir: z.string().optional(),
  hostname: z.string().optional(),
  memoryBytes: z.number().int().positive().optional(),
  pidsLimit: z.number().int().positive().optional(),
  autoRemove: z.boolean(),
  labels: z.record(z.string(), z.string()),
});
export type CreateSpec = z.infer<typeof CreateSpec>;

const Ref = z.string().min(1);

export const Request = z.discriminatedUnion('op', [
  z.object({ op: z.literal('system.ping') }),
  z.object({ op: z.literal('container.create'), spec: CreateSpec, start: z.boolean() }),
  z.object({ op: z.literal('container.start'), ref: Ref }),
  z.object({ op: z.literal('container.stop'), ref: Ref, timeoutSeconds: z.number().min(0) }),
  z.object({ op: z.literal('container.kill'), ref: Ref, signal: z.string() }),
  z.object({ op: z.literal('container.remove'), ref: Ref, force: z.boolean() }),
  z.object({ op: z.literal('container.list'), all: z.boolean() }),
  z.object({ op: z.literal('container.inspect'), ref: Ref }),
  z.object({ op: z.literal('container.logs'), ref: Ref, follow: z.boolean(), inbox: z.string() }),
  z.object({ op: z.literal('image.import'), path: z.string(), ref: Ref.optional() }),
  z.object({ op: z.literal('image.list') }),
  z.object({ op: z.literal('image.inspect'), ref: Ref }),
  z.object({ op: z.literal('image.remove'), ref: Ref, force: z.boolean() }),
]);
export type Request = z.infer<typeof Request>;
export type Op = Request['op'];

/** The envelope of a request: the id makes a resent request have one effect. */
export const RequestEnvelope = z.object({ id: z.string().min(1), request: Request });
export type RequestEnvelope = z.infer<typeof RequestEnvelope>;

/** What `ps` and `inspect` show of a container. */
export const ContainerView = z.object({
  id: z.string(),
  host: z.string(),
  status: z.string(),
  config: ContainerConfig,
  created: z.number(),
  pid: z.number().nullable(),
  exitCode: z.number().nullable(),
  oomKilled: z.boolean(),
  error: z.string().nullable(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
});
export type ContainerView = z.infer<typeof ContainerView>;

/** What `images` and `image inspect` show. */
export const ImageView = z.object({
  id: z.string(),
  host: z.string(),
  tags: z.array(z.string()),
  size: z.number(),
  created: z.string(),
  diffIds: z.array(z.string()),
  env: z.array(z.string()),
  cmd: z.array(z.string()),
  entrypoint: z.array(z.string()),
  workingDir: z.string(),
});
export type ImageView = z.infer<typeof ImageView>;

const Id = z.object({ id: z.string() });

/** The result each op replies with. */
export const Results = {
  'system.ping': z.object({ host: z.string(), version: z.string(), pid: z.number() }),
  'container.create': z.object({ id: z.string(), name: z.string() }),
  'container.start': Id,
  'container.stop': Id,
  'container.kill': Id,
  'container.remove': Id,
  'container.list': z.array(ContainerView),
  'container.inspect': ContainerView,
  'container.logs': Id,
  'image.import': Id,
  'image.list': z.array(ImageView),
  'image.inspect': ImageView,
  'image.remove': Id,
} satisfies Record<Op, z.ZodType>;
export type Result<O extends Op> = z.infer<(typeof Results)[O]>;

export const WireError = z.object({ name: z.string(), message: z.string(), exitCode: z.number().int() });

export const Reply = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({ ok: z.literal(false), error: WireError }),
]);
export type Reply = z.infer<typeof Reply>;

/** One chunk of container output on the output subject or a logs inbox; `eof` ends the stream. */
export const OutputChunk = z.object({
  stream: z.enum(['stdout', 'stderr']).optional(),
  data: z.string().optional(),
  eof: z.boolean().optional(),
});
export type OutputChunk = z.infer<typeof OutputChunk>;
