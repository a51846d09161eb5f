/** `compose start`, `stop` and `restart`: the services' containers in start order (stop: the reverse), each with its grace period. */
import { LABEL } from '../client/compose/labels.js';
import { startOrder } from '../client/compose/order.js';
import { stopTimeoutSeconds } from '../client/compose/stop.js';
import { connectClient } from './client.js';
import { loadFromFlags, printProgress, serviceContainers, type ComposeFlags } from './composeOptions.js';

export async function lifecycle(action: 'start' | 'stop' | 'restart', services: string[], timeout: string | undefined, flags: ComposeFlags): Promise<number> {
  const project = loadFromFlags(flags);
  const order = startOrder(project);
  const client = await connectClient(flags);
  try {
    const views = await serviceContainers(client, project, services);
    const rank = (service: string | undefined) => order.indexOf(service ?? '');
    const sorted = views.sort((a, b) => rank(a.config.labels[LABEL.service]) - rank(b.config.labels[LABEL.service]) || a.config.name.localeCompare(b.config.name));
    const stop = async (list: typeof views) => {
      for (const view of [...list].reverse()) {
        const seconds = stopTimeoutSeconds(project.services[view.config.labels[LABEL.service] ?? ''], timeout === undefined ? undefined : Number(timeout));
        await client.request({ op: 'container.stop', ref: view.id, timeoutSeconds: seconds }, 5 * 60_000);
        printProgress('Container', view.config.name, 'Stopped');
      }
    };
    const start = async (list: typeof views) => {
      for (const view of list) {
        await client.request({ op: 'container.start', ref: view.id });
        printProgress('Container', view.config.name, 'Started');
      }
    };
    if (action !== 'start') await stop(sorted);
    if (action !== 'stop') await start(sorted);
    return 0;
  } finally {
    await client.close();
  }
}
