/**
 * Waiting for a container to reach a condition (`wait`, and Docker's `POST /containers/{id}/wait`):
 * not-running (now or at its exit), next-exit, or removed; resolves with its last exit code.
 */
import { decodeEvent } from '../events/eventCodec.js';
import { isUp } from '../events/containerStatus.js';
import { NotFoundError, ValidationError } from '../events/errors.js';
import { eventSubject } from '../events/subjects.js';
import type { EngineClient } from './engineClient.js';
import { unlessDropped } from './connectionLost.js';

export type WaitCondition = 'not-running' | 'next-exit' | 'removed';

export function parseWaitCondition(condition: string): WaitCondition {
  if (!['not-running', 'next-exit', 'removed'].includes(condition)) {
    throw new ValidationError(`invalid condition "${condition}": use not-running, next-exit or removed`);
  }
  return condition as WaitCondition;
}

/** What a wait is told besides the condition: `stopped` ends it early (null); `listening` once it can miss nothing. */
export interface WaitHooks {
  stopped?: Promise<void>;
  listening?: () => void;
}

/**
 * Resolves once the container has reached the condition, with its exit code. A container that
 * is gone once the wait listens was removed meanwhile: every condition is reached, with the
 * exit code it last had (a wait that only listened missed that removal and never ended).
 */
export async function waitForContainer(client: EngineClient, ref: string, condition: WaitCondition, hooks: WaitHooks = {}): Promise<number | null> {
  const view = await client.request({ op: 'container.inspect', ref });
  let lastCode = view.exitCode ?? 0;
  let resolveWait: (code: number | null) => void = () => {};
  const reached = new Promise<number | null>((resolve) => { resolveWait = resolve; });
  void hooks.stopped?.then(() => resolveWait(null));
  const sub = client.nc.subscribe(eventSubject(view.host, 'container', view.id), {
    callback: (error, msg) => {
      if (error) return;
      const event = decodeEvent(msg.data);
      if (event.type === 'container.died' || event.type === 'container.start_failed') {
        lastCode = event.data.exitCode;
        if (condition !== 'removed') resolveWait(lastCode);
      }
      if (event.type === 'container.destroyed') resolveWait(lastCode);
    },
  });
  try {
    await client.nc.flush();
    // Ask again now that we listen: it may have exited, or gone, in between.
    const now = await client.request({ op: 'container.inspect', ref: view.id }).catch((error: unknown) => {
      if (error instanceof NotFoundError) return null;
      throw error;
    });
    if (now === null) return lastCode;
    if (condition === 'not-running' && !isUp(now.status)) return now.exitCode ?? 0;
    if (now.exitCode !== null && now.exitCode !== undefined) lastCode = now.exitCode;
    hooks.listening?.();
    return await unlessDropped(client.nc, reached, { while: `waiting for container ${ref}`, unknown: 'whether it reached the condition was not seen' });
  } finally {
    sub.unsubscribe();
  }
}
