/** Whether a connection is up right now, followed from its status events. */
import type { NatsConnection } from '@nats-io/transport-node';

export interface Reachability {
  /** False from a disconnect until the client reconnected. */
  readonly reachable: boolean;
}

export function followReachability(nc: NatsConnection): Reachability {
  const state = { reachable: true };
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect') state.reachable = false;
      else if (status.type === 'reconnect') state.reachable = true;
    }
  })();
  return state;
}
