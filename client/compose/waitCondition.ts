/**
 * Waiting for a dependency as `depends_on` asks: started, healthy (its health_status events,
 * not polling), or exited with 0. Subscribed before the first inspect, so no change is missed
 * between the two.
 */
import { decodeEvent } from '../../events/eventCodec.js';
import { eventSubject } from '../../events/subjects.js';
import type { EngineClient } from '../engineClient.js';
import { ComposeError } from './errors.js';
import { unlessDropped } from '../connectionLost.js';
import type { DependencyCondition } from './model.js';

type Verdict = 'done' | 'wait' | Error;

export async function waitCondition(client: EngineClient, container: { id: string; name: string }, service: string, condition: DependencyCondition): Promise<void> {
  if (condition === 'service_started') return;
  let settle: (verdict: Verdict) => void = () => {};
  const settled = new Promise<Verdict>((resolve) => { settle = resolve; });
  const judge = (health: string | null, exited: number | null, restarting: boolean): Verdict => {
    if (condition === 'service_completed_successfully') {
      if (exited === null) return 'wait';
      return exited === 0 ? 'done' : new ComposeError(`service "${service}" didn't complete successfully: exit ${exited}`);
    }
    if (health === 'healthy') return 'done';
    if (health === 'unhealthy') return new ComposeError(`dependency failed to start: container ${container.name} is unhealthy`);
    if (exited !== null && !restarting) return new ComposeError(`dependency failed to start: container ${container.name} exited (${exited})`);
    return 'wait';
  };
  const subscription = client.nc.subscribe(eventSubject(client.host, 'container', container.id), {
    callback: (error, msg) => {
      if (error) return;
      const event = decodeEvent(msg.data);
      if (event.type === 'container.health_status') {
        const verdict = judge(event.data.status, null, false);
        if (verdict !== 'wait') settle(verdict);
      }
      if (event.type === 'container.died') {
        // A container the restart policy brings back is judged again by its next events.
        void client.request({ op: 'container.inspect', ref: container.id }).then((view) => {
          const verdict = judge(view.health?.status ?? null, event.data.exitCode, view.status === 'restarting' || view.status === 'running');
          if (verdict !== 'wait') settle(verdict);
        }, (error: unknown) => settle(error instanceof Error ? error : new ComposeError(String(error))));
      }
    },
  });
  try {
    await client.nc.flush();
    const view = await client.request({ op: 'container.inspect', ref: container.id });
    if (condition === 'service_healthy' && !view.health) {
      throw new ComposeError(`container ${container.name} has no healthcheck configured`);
    }
    const first = judge(view.health?.status ?? null, view.status === 'exited' ? view.exitCode ?? 0 : null, view.status === 'restarting');
    const verdict = first === 'wait' ? await unlessDropped(client.nc, settled, { while: `waiting for ${container.name} (${condition})`, unknown: 'whether it got there was not seen' }) : first;
    if (verdict instanceof Error) throw verdict;
  } finally {
    subscription.unsubscribe();
  }
}
