/**
 * The daemon's side of `berth-shim spawner` (runtime/native/spawner.c): one long-lived process
 * that forks a shim for each container start. Node's spawn() forks the whole daemon and waits
 * for the exec, which held the event loop for 7-14 ms at every start; a request to the spawner
 * is a write to a socket.
 *
 * The spawner starts with the first request and is started again by the first request after
 * it ended. It keeps nothing that outlives a request: a start in flight when it dies fails, as
 * it failed when the shim it had spawned died. While no request waits, neither it nor its
 * socket keeps the process alive.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';

import { BerthError, SystemError } from '../../events/errors.js';

interface Waiting {
  resolve(line: string): void;
  reject(error: Error): void;
}

/** How much of the spawner's stderr is kept for the message of its failure. */
const STDERR_KEPT = 4096;

export class ShimSpawner {
  private child: ChildProcess | null = null;
  private channel: Socket | null = null;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;

  constructor(private readonly binary: string) {}

  /** Sends one spec (spec.c's format); resolves with the shim's one-line report, without its newline. */
  request(spec: Uint8Array): Promise<string> {
    const channel = this.channel ?? this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.hold(true);
      channel.write(`${id} ${spec.length}\n`);
      channel.write(spec);
    });
  }

  /** Ends the spawner: it exits once it has read to the end of its socket. Shims it started run on. */
  close(): void {
    this.channel?.end();
  }

  private start(): Socket {
    const child = spawn(this.binary, ['spawner', String(process.pid)], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    const channel = child.stdio[3] as Socket;
    this.child = child;
    this.channel = channel;
    let stderr = '';
    let spawnError: Error | undefined;
    let buffered = '';
    child.stderr!.setEncoding('utf8').on('data', (text: string) => {
      if (stderr.length < STDERR_KEPT) stderr += text;
    });
    child.on('error', (error) => {
      spawnError = error;
    });
    channel.setEncoding('utf8');
    channel.on('data', (text: string) => {
      buffered += text;
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        this.answer(buffered.slice(0, nl));
        buffered = buffered.slice(nl + 1);
      }
    });
    channel.on('error', () => {
      /* EPIPE once the spawner died: its 'close' fails what waits */
    });
    child.on('close', (code, signal) => {
      if (this.child === child) {
        this.child = null;
        this.channel = null;
      }
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      const error = spawnError
        ? SystemError.from(spawnError, { op: 'spawn', path: this.binary, message: `berth-shim: cannot run ${this.binary}: ${spawnError.message}` }) as Error
        : new BerthError(`berth-shim ${how} without reporting a result${stderr.trim() ? `; stderr: ${stderr.trim()}` : ''}`);
      this.failAll(error);
    });
    this.hold(false);
    return channel;
  }

  /** One line from the spawner: "<id> <report>"; a line of no request is its own failure (a sealed copy it could not make). */
  private answer(line: string): void {
    const match = /^(\d+) (.*)$/.exec(line);
    const waiting = match ? this.waiting.get(Number(match[1])) : undefined;
    if (!match || !waiting) {
      this.failAll(new ShimReportError(line));
      this.child?.kill('SIGKILL');
      return;
    }
    this.waiting.delete(Number(match[1]));
    if (this.waiting.size === 0) this.hold(false);
    waiting.resolve(match[2]);
  }

  private failAll(error: Error): void {
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    for (const w of waiting) w.reject(error);
  }

  /** Whether the spawner keeps the process alive: only while a request waits. */
  private hold(yes: boolean): void {
    const child = this.child as (ChildProcess & { stderr: Socket | null }) | null;
    for (const handle of [child, this.channel, child?.stderr]) {
      if (yes) handle?.ref();
      else handle?.unref();
    }
  }
}

/** A line from the spawner that answers no request: the report it sent for itself, raw (shim.ts parses it). */
export class ShimReportError extends BerthError {
  override name = 'ShimReportError';
  constructor(readonly line: string) {
    super(`berth-shim spawner: ${line}`);
  }
}

const spawners = new Map<string, ShimSpawner>();

/** The spawner of a shim binary (one per binary: the tests start their own). */
export function spawnerFor(binary: string): ShimSpawner {
  let spawner = spawners.get(binary);
  if (!spawner) spawners.set(binary, (spawner = new ShimSpawner(binary)));
  return spawner;
}

/** Ends every spawner (a daemon's shutdown). */
export function closeSpawners(): void {
  for (const spawner of spawners.values()) spawner.close();
}
