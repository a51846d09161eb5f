/**
 * The one way a command follows a long request's progress: a fresh inbox the request names, whose
 * Progress messages the daemon sends as layers move, handed to a view (the CLI's bars, the API's JSON stream).
 */
import { createInbox } from '@nats-io/transport-node';
import { decode } from '../events/codec.js';
import { Progress } from '../events/requests.js';
import type { EngineClient } from './engineClient.js';

/** What receives the progress: each update, then the end. */
export interface ProgressView {
  update(update: Progress): void;
  stop(): void;
}

export interface ProgressFollower {
  /** The inbox to name in the request; undefined without a view (nothing is sent then). */
  inbox: string | undefined;
  /** Takes in the last messages (sent before the reply) and ends the view. */
  finish(): Promise<void>;
}

export async function followProgress(client: EngineClient, view: ProgressView | null): Promise<ProgressFollower> {
  if (!view) return { inbox: undefined, finish: async () => {} };
  const inbox = createInbox();
  const subscription = client.nc.subscribe(inbox, {
    callback: (error, msg) => {
      if (error) return;
      try { view.update(decode(Progress, msg.data)); } catch { /* a bad progress message is not worth failing the command */ }
    },
  });
  await client.nc.flush();
  return {
    inbox,
    async finish() {
      await client.nc.flush().catch(() => {});
      subscription.unsubscribe();
      view.stop();
    },
  };
}
