/** Container commands and events: the one declaration of each. */
import { z } from 'zod';
import { eventSchema } from './envelope.js';

/** What a container runs with, fixed at create. */
export const ContainerConfig = z.object({
  /** The container's name, unique on its host. */
  name: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/),
  /** The image id (sha256 hex) and the reference the user gave. */
  image: z.string(),
  imageRef: z.string(),
  /** The full argv. */
  cmd: z.array(z.string()).min(1),
  /** KEY=VALUE, image env first, then the user's. */
  env: z.array(z.string()),
  workingDir: z.string(),
  hostname: z.string(),
  /** Limits; absent means the engine default. */
  memoryBytes: z.number().int().positive().optional(),
  pidsLimit: z.number().int().positive().optional(),
  /** Remove the container when it exits (--rm). */
  autoRemove: z.boolean(),
  labels: z.record(z.string(), z.string()),
});
export type ContainerConfig = z.infer<typeof ContainerConfig>;

export const ContainerCreated = eventSchema('container.created', ContainerConfig);
export const ContainerStarting = eventSchema('container.starting', z.object({}));
export const ContainerStarted = eventSchema('container.started', z.object({ pid: z.number().int(), shimPid: z.number().int() }));
export const ContainerStartFailed = eventSchema(
  'container.start_failed',
  z.object({ exitCode: z.number().int(), error: z.string() }),
);
export const ContainerKilled = eventSchema('container.killed', z.object({ signal: z.string() }));
export const ContainerStopping = eventSchema('container.stopping', z.object({ timeoutSeconds: z.number() }));
export const ContainerDied = eventSchema(
  'container.died',
  z.object({ exitCode: z.number().int(), signal: z.number().int().nullable(), oomKilled: z.boolean() }),
);
export const ContainerStopped = eventSchema('container.stopped', z.object({}));
export const ContainerRemoving = eventSchema('container.removing', z.object({}));
export const ContainerDestroyed = eventSchema('container.destroyed', z.object({}));

export const ContainerEvent = z.discriminatedUnion('type', [
  ContainerCreated, ContainerStarting, ContainerStarted, ContainerStartFailed, ContainerKilled,
  ContainerStopping, ContainerDied, ContainerStopped, ContainerRemoving, ContainerDestroyed,
]);
export type ContainerEvent = z.infer<typeof ContainerEvent>;

/** Commands a container accepts. User commands come over the bus; Report* come from the worker. */
export const ContainerCommand = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Create'), config: ContainerConfig }),
  z.object({ type: z.literal('Start') }),
  z.object({ type: z.literal('Stop'), timeoutSeconds: z.number().min(0) }),
  z.object({ type: z.literal('Kill'), signal: z.string() }),
  z.object({ type: z.literal('Remove'), force: z.boolean() }),
  z.object({ type: z.literal('ReportStarted'), pid: z.number().int(), shimPid: z.number().int() }),
  z.object({ type: z.literal('ReportStartFailed'), exitCode: z.number().int(), error: z.string() }),
  z.object({
    type: z.literal('ReportExited'),
    exitCode: z.number().int(),
    signal: z.number().int().nullable(),
    oomKilled: z.boolean(),
  }),
  z.object({ type: z.literal('ReportRemoved') }),
]);
export type ContainerCommand = z.infer<typeof ContainerCommand>;
