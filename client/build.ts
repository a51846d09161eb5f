/**
 * `build` for the CLI and the API server alike: a context tar stream and the options go to the
 * host's daemon; the build's events come back as they happen, and its result at the end. The
 * context travels as a file under the run root, as import's and load's archives do (the CLI and
 * the daemon share the machine); the file is removed when the build ends.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createInbox } from '@nats-io/transport-node';
import { decode } from '../events/codec.js';
import { BuildEvent, type BuildOptions, type Result } from '../events/requests.js';
import type { EngineClient } from './engineClient.js';

/** A build can take long; the request waits this long at most. */
const BUILD_TIMEOUT_MS = 6 * 60 * 60_000;

export interface BuildRun {
  /** The build's events in order; the iteration ends when the build does. */
  events: AsyncIterable<BuildEvent>;
  /** The image's id and tags; rejects with the build's error. */
  result: Promise<Result<'image.build'>>;
}

/** A queue the subscription fills and the caller drains. */
class EventQueue implements AsyncIterable<BuildEvent> {
  private readonly items: BuildEvent[] = [];
  private waiting: (() => void) | null = null;
  private ended = false;

  push(event: BuildEvent): void {
    this.items.push(event);
    this.wake();
  }

  end(): void {
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<BuildEvent> {
    for (;;) {
      const item = this.items.shift();
      if (item) { yield item; continue; }
      if (this.ended) return;
      await new Promise<void>((resolve) => { this.waiting = resolve; });
    }
  }
}

/** Builds from `context` (a tar stream), or with none from `options.remote`, which the daemon fetches. */
export function buildImage(client: EngineClient, context: Readable | null, options: BuildOptions): BuildRun {
  const queue = new EventQueue();
  const file = path.join(client.layout.runRoot, `build-${randomUUID()}.tar`);
  const inbox = createInbox();
  const subscription = client.nc.subscribe(inbox, {
    callback: (error, msg) => {
      if (error) return;
      try { queue.push(decode(BuildEvent, msg.data)); } catch { /* a bad event is not worth failing the build */ }
    },
  });
  const result = (async () => {
    try {
      if (context) {
        await fs.mkdir(client.layout.runRoot, { recursive: true });
        await pipeline(context, createWriteStream(file, { mode: 0o600, flags: 'wx' }));
      }
      await client.nc.flush();
      return await client.request({ op: 'image.build', ...(context ? { context: file } : {}), options, progress: inbox }, BUILD_TIMEOUT_MS);
    } finally {
      await client.nc.flush().catch(() => {});
      subscription.unsubscribe();
      queue.end();
      await fs.rm(file, { force: true });
    }
  })();
  return { events: queue, result };
}
