/**
 * Waiting for a container to reach a condition (`wait`, and Docker's `POST /containers/{id}/wait`):
 * not-running (now or at its exit), next-exit, or removed; resolves with its last exit code.
 */
import { AnyEvent } from '../events/all.js';
import { decode } from '../events/codec.js';
import { isUp } from '../events/containerStatus.js';
import { ValidationError } from '../events/errors.js';
import { eventSubject } from '../events/subjects.js';
import type { EngineClient } from './engineClient.js';

export type WaitCondition = 'not-running' | 'next-exit' | 'removed';

export function parseWaitCondition(condition: string): WaitCondition {
  if (!['not-running', 'next-exit', 'removed'].includes(condition)) {
    throw new ValidationError(`invalid condition "${condition}": use not-running, next-exit or removed`);
  }
  return condition as WaitCondition;
}

/** Resolves once the container has reached the condition, with its exit code; `stopped` ends the wait early (null). */
export async function waitForContainer(client: EngineClient, ref: string, condition: WaitCondition, stopped?: Promise<void>): Promise<number | null> {
  const view = await client.request({ op: 'container.inspect', ref });
  let lastCode = view.exitCode ?? 0;
  let resolveWait: (code: number | null) => void = () => {};
  const reached = new Promise<number | null>((resolve) => { resolveWait = resolve; });
  void stopped?.then(() => resolveWait(null));
  const sub = client.nc.subscribe(eventSubject(view.host, 'container', view.id), {
    callback: (error, msg) => {
      if (error) return;
      const event = decode(AnyEvent, msg.data);
      if (event.type === 'container.died' || event.type === 'container.start_failed') {
        lastCode = event.data.exitCode;
        if (condition !== 'removed') resolveWait(lastCode);
      }
      if (event.type === 'container.destroyed') resolveWait(lastCode);
    },
  });
  try {
    await client.nc.flush();
    if (condition === 'not-running') {
      // Ask again now that we listen: it may have exited in between.
      const now = await client.request({ op: 'container.inspect', ref: view.id });
      if (!isUp(now.status)) return now.exitCode ?? 0;
    }
    return await reached;
  } finally {
    sub.unsubscribe();
  }
}
