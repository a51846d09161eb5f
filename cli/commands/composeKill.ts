/** `berth compose kill [-s SIGNAL] [SERVICE...]`: a signal (default SIGKILL) to the services' running containers. */
import { hasStatusTag } from '../../events/containerStatus.js';
import { parseSignal } from '../../runtime/signals.js';
import { connectClient } from '../client.js';
import { loadFromFlags, printProgress, serviceContainers, type ComposeFlags } from '../composeOptions.js';

export default async function composeKill(services: string[], opts: { signal: string }, flags: ComposeFlags): Promise<number> {
  const signal = parseSignal(opts.signal).name;
  const project = loadFromFlags(flags);
  const client = await connectClient(flags);
  try {
    const running = (await serviceContainers(client, project, services, false)).filter((view) => hasStatusTag(view.status, 'process'));
    for (const view of running.sort((a, b) => a.config.name.localeCompare(b.config.name))) {
      printProgress('Container', view.config.name, 'Killing');
      await client.request({ op: 'container.kill', ref: view.id, signal });
      printProgress('Container', view.config.name, 'Killed');
    }
    return 0;
  } finally {
    await client.close();
  }
}
