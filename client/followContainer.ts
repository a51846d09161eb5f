/**
 * Following a container (or one exec in it) to its end: its live output and its events, from
 * before it starts, until it has exited and its output is done (and, for `--rm`, until it is
 * removed). `run`, `start -a`, `attach` and `exec` print what it hands over; an API server can
 * write the same to an HTTP stream. When the connection drops before the end is seen (the
 * nats-server under it died: what was published meanwhile reached no one, even once the
 * connection is made again), `ended` rejects with a ConnectionLostError; when the container's
 * daemon goes away, or another daemon process answers for its host (one restarted), with a
 * DaemonLostError: what the container did meanwhile was published by no one.
 */
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import * as z from 'zod';
import { decode, decodePicked } from '../events/codec.js';
import { ContainerDied } from '../events/container.js';
import { ContainerExecDied } from '../events/containerRuntime.js';
import { lazySchema } from '../events/lazySchema.js';
import { OutputChunk } from '../events/requests.js';
import { upcastEvent } from '../events/upcasters.js';
import { eventFilter, eventSubject, execOutputSubject, outputSubject } from '../events/subjects.js';
import { BerthError } from '../events/errors.js';
import { connectionLost } from './connectionLost.js';
import { pingDaemon } from './daemonPing.js';
import { sleep, SURVIVAL_TIMING } from './survivingRequest.js';

/** The daemon of the followed container went away, or was replaced, before its end was seen. */
export class DaemonLostError extends BerthError {
  override name = 'DaemonLostError';
}

export interface FollowTarget {
  host: string;
  /** The container's id (chosen by the client before create, so nothing of it is missed). */
  container: string;
  /** Follow this exec instead of the container's main process. */
  execId?: string;
  /** Also wait for the container's removal (run --rm). */
  untilRemoved?: boolean;
  /** Skip output written before this time (ms): the log replays earlier runs (start -a). */
  outputSince?: number;
  /**
   * How long output may still come after the exit before it is taken as done (attach, exec:
   * the end of output is published before the exit, but may be lost); absent: wait for it.
   */
  outputGraceMs?: number;
}

/** The usual grace for output after an exit (attach, exec). */
export const OUTPUT_GRACE_MS = 2000;

/** One piece of output, as the container wrote it. */
export type OutputHandler = (stream: 'stdout' | 'stderr', data: string) => void;

export interface ContainerEnd {
  /** null when the follow was ended early (detach) before the exit was seen. */
  exitCode: number | null;
  /** Why an exec could not start (its code is then 125, 126 or 127). */
  error?: string;
  /** Ended by detach() rather than by the container. */
  detached: boolean;
}

/**
 * The events a follow reads the data of, each checked against its own schema; of any other event
 * it reads the type alone, and checks no more. A `container.created` carries the whole
 * configuration, whose schemas a command following it would otherwise build and run.
 */
const READ_IN_FULL = { 'container.died': ContainerDied, 'container.exec_died': ContainerExecDied } as const;
const TypeOnly = lazySchema(() => z.object({ type: z.string() }));
type ReadInFull = { [T in keyof typeof READ_IN_FULL]: z.infer<(typeof READ_IN_FULL)[T]> };
/** What a follow reads of an event: a died or exec_died whole, else its type alone. */
export type FollowedEvent = ReadInFull[keyof ReadInFull] | { type: string; data?: never };

/** An event on a followed subject, upcast as every reader does, checked as far as the follow reads it. */
export function decodeFollowed(bytes: Uint8Array): FollowedEvent {
  return decodePicked(bytes, upcastEvent, (value) => {
    const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
    return (typeof type === 'string' && Object.hasOwn(READ_IN_FULL, type) ? READ_IN_FULL[type as keyof typeof READ_IN_FULL] : TypeOnly) as z.ZodType<FollowedEvent>;
  });
}

/** The event's data when it is of `type` (whose schema decodeFollowed checked it against). */
function dataOf<T extends keyof ReadInFull>(event: FollowedEvent, type: T): ReadInFull[T]['data'] | null {
  return event.type === type ? (event.data as ReadInFull[T]['data']) : null;
}

export class ContainerFollow {
  private exitCode: number | null = null;
  private error: string | undefined;
  private outputDone = false;
  private detachedEarly = false;
  private removedFlag = false;
  private createdFlag = false;
  private finish: () => void = () => {};
  private fail: (error: unknown) => void = () => {};
  private stopWatching: () => void = () => {};
  private removedSignal: () => void = () => {};
  private readonly subscriptions: Subscription[] = [];
  /** Set once the follow has ended or was closed: the daemon's watch stops. */
  private over = false;
  /** Settles when the container (or exec) has ended, or on detach(); rejects when the connection closed first. */
  readonly ended: Promise<ContainerEnd>;
  /** Settles once the container's removal is seen. */
  readonly removal: Promise<void>;

  constructor(private readonly target: FollowTarget) {
    this.ended = new Promise<void>((resolve, reject) => { this.finish = resolve; this.fail = reject; })
      .then(() => ({ exitCode: this.exitCode, ...(this.error ? { error: this.error } : {}), detached: this.detachedEarly }));
    // A caller that stopped following (its start failed, it was closed) need not handle a late loss.
    this.ended.catch(() => {});
    const over = () => { this.over = true; };
    this.ended.then(over, over);
    this.removal = new Promise<void>((resolve) => { this.removedSignal = resolve; });
  }

  /** Whether its creation was seen (for a run whose start failed under --rm). */
  get created(): boolean {
    return this.createdFlag;
  }

  /** Whether its exit was seen. */
  get hasExited(): boolean {
    return this.exitCode !== null;
  }

  /** Ends the follow now: the container runs on (ctrl-p ctrl-q). */
  detach(): void {
    this.detachedEarly = true;
    this.finish();
  }

  /** What an inspect says when the container had already exited before the follow began (null: unknown, 0 unless its exit was seen). */
  exited(exitCode: number | null): void {
    this.exitCode = exitCode ?? this.exitCode ?? 0;
    this.outputDone = true;
    this.check();
  }

  close(): void {
    this.over = true;
    this.stopWatching();
    for (const subscription of this.subscriptions) subscription.unsubscribe();
  }

  /** Subscribes to the output and the events; resolves once the server has them. */
  async subscribe(nc: NatsConnection, onOutput: OutputHandler): Promise<void> {
    const { host, container, execId } = this.target;
    this.subscriptions.push(nc.subscribe(execId ? execOutputSubject(host, '*', execId) : outputSubject(host, container), {
      callback: (error, msg) => {
        if (error) return;
        const chunk = decode(OutputChunk, msg.data);
        if (chunk.eof) { this.outputDone = true; this.check(); return; }
        if (this.target.outputSince !== undefined && chunk.time && Date.parse(chunk.time) < this.target.outputSince) return;
        onOutput(chunk.stream ?? 'stdout', chunk.data ?? '');
      },
    }));
    this.subscriptions.push(nc.subscribe(execId ? eventFilter(host, 'container') : eventSubject(host, 'container', container), {
      callback: (error, msg) => {
        if (error) return;
        this.onEvent(decodeFollowed(msg.data));
      },
    }));
    await nc.flush();
    const what = execId ? `exec ${execId.slice(0, 12)} in container ${container.slice(0, 12)}` : `container ${container.slice(0, 12)}`;
    const watch = connectionLost(nc, { while: `following ${what}`, unknown: 'whether and how it ended was not seen', until: 'dropped' });
    this.stopWatching = watch.stop;
    watch.lost.catch((error: unknown) => this.fail(error));
    void this.watchDaemon(nc, what);
  }

  /**
   * Pings the container's daemon at once, then every second until the follow is over. No daemon
   * (no responders), or another process answering for the host than the first (one restarted in
   * between), means the container's output and events may have gone unpublished meanwhile: the
   * follow fails instead of waiting for an end it may never see, as Docker's CLI fails when
   * dockerd goes. An error reply (a fenced host) or no answer in time tells nothing.
   */
  private async watchDaemon(nc: NatsConnection, what: string): Promise<void> {
    const { host } = this.target;
    let pid: number | undefined;
    while (!this.over) {
      const ping = await pingDaemon(nc, host, { timeoutMs: SURVIVAL_TIMING.probeMs });
      if (this.over) return;
      const replaced = ping.state === 'answered' && pid !== undefined && ping.pid !== undefined && ping.pid !== pid;
      if (ping.state === 'gone' || replaced) {
        this.fail(new DaemonLostError(`the daemon of host ${host} ${replaced ? 'was restarted' : 'went away'} while following ${what}; whether and how it ended was not seen`));
        return;
      }
      if (ping.state === 'answered') pid ??= ping.pid;
      await sleep(SURVIVAL_TIMING.probeMs);
    }
  }

  private onEvent(event: FollowedEvent): void {
    const { execId } = this.target;
    if (execId) {
      const died = dataOf(event, 'container.exec_died');
      if (!died || died.execId !== execId) return;
      this.exitCode = died.exitCode;
      this.error = died.error;
      this.afterExit();
      return;
    }
    if (event.type === 'container.created') this.createdFlag = true;
    if (event.type === 'container.destroyed') { this.removedFlag = true; this.removedSignal(); }
    const died = dataOf(event, 'container.died');
    if (died) { this.exitCode = died.exitCode; this.afterExit(); }
    this.check();
  }

  private afterExit(): void {
    const grace = this.target.outputGraceMs;
    if (grace !== undefined) setTimeout(() => { this.outputDone = true; this.check(); }, grace).unref();
    this.check();
  }

  private check(): void {
    if (this.exitCode === null) return;
    if (!this.outputDone && !this.error) return;
    if (this.target.untilRemoved && !this.removedFlag) return;
    this.finish();
  }
}

/** Starts following: subscribed (and flushed) before it returns, so the caller may then start the container. */
export async function followContainer(nc: NatsConnection, target: FollowTarget, onOutput: OutputHandler): Promise<ContainerFollow> {
  const follow = new ContainerFollow(target);
  await follow.subscribe(nc, onOutput);
  return follow;
}
