/**
 * Container events and commands of the runtime in depth: pause through the freezer, exec of
 * more processes, and the OOM kill. Joined into ContainerEvent and ContainerCommand in
 * events/container.ts.
 */
import * as z from 'zod';
import { eventSchema } from './envelope.js';
import { Sealed } from './sealed.js';
import { lazySchema } from './lazySchema.js';

/** What `berth exec` runs; fixed when the exec is created. */
export const ExecConfig = lazySchema(() => z.object({
  /** 64 hex, chosen by the client so that it can follow the exec before it exists. */
  execId: z.string().regex(/^[a-f0-9]{64}$/),
  cmd: z.array(z.string()).min(1),
  /** KEY=VALUE added to the container's environment (the host seals them before recording: `sealedEnv`, and this is then empty). */
  env: z.array(z.string()),
  /** `env` sealed to the host (events/sealed.ts). */
  sealedEnv: Sealed.optional(),
  /** Absolute; empty means the container's working dir. */
  workingDir: z.string(),
  /** name|uid[:group|gid]; empty means the container's user. */
  user: z.string(),
  /** -i: stdin is a pipe fed through the exec's attach socket (else /dev/null). */
  openStdin: z.boolean().optional(),
  /** -t: a pty, the process's controlling terminal; its output is one stream. */
  tty: z.boolean().optional(),
  /** --privileged: every capability for this process (the container's seccomp rules then open what they guard). */
  privileged: z.boolean().optional(),
}));
export type ExecConfig = z.infer<typeof ExecConfig>;

export const ContainerPaused = lazySchema(() => eventSchema('container.paused', z.object({})));
export const ContainerUnpaused = lazySchema(() => eventSchema('container.unpaused', z.object({})));
export const ContainerExecCreated = lazySchema(() => eventSchema('container.exec_created', ExecConfig));
export const ContainerExecStarted = lazySchema(() => eventSchema('container.exec_started', z.object({ execId: z.string(), pid: z.number().int() })));
export const ContainerExecDied = lazySchema(() => eventSchema(
  'container.exec_died',
  /** `error`: the exec could not start (the code is then 125, 126 or 127). */
  z.object({ execId: z.string(), exitCode: z.number().int(), error: z.string().optional() }),
));
/** The kernel's OOM killer killed a process of the container (Docker's action oom). */
export const ContainerOom = lazySchema(() => eventSchema('container.oom', z.object({})));

export const containerRuntimeEvents = [
  ContainerPaused, ContainerUnpaused, ContainerExecCreated, ContainerExecStarted, ContainerExecDied, ContainerOom,
] as const;

export const containerRuntimeCommands = [
  lazySchema(() => z.object({ type: z.literal('Pause') })),
  lazySchema(() => z.object({ type: z.literal('Unpause') })),
  lazySchema(() => z.object({ type: z.literal('Exec'), exec: ExecConfig })),
  lazySchema(() => z.object({ type: z.literal('ReportExecStarted'), execId: z.string(), pid: z.number().int() })),
  lazySchema(() => z.object({ type: z.literal('ReportExecExited'), execId: z.string(), exitCode: z.number().int(), error: z.string().optional() })),
] as const;
