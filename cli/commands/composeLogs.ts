/** `berth compose logs [-f] [--tail N] [SERVICE...]`: the services' output, each line after its container's name. */
import { connectClient } from '../client.js';
import { LogPrinter, logName } from '../composeLogPrinter.js';
import { loadFromFlags, serviceContainers, type ComposeFlags } from '../composeOptions.js';
import { streamLogs } from '../composeStream.js';
import { logsFilter } from './logs.js';

export default async function composeLogs(services: string[], opts: { follow?: boolean; tail?: string; noLogPrefix?: boolean }, flags: ComposeFlags): Promise<number> {
  const project = loadFromFlags(flags);
  const { tail } = logsFilter({ tail: opts.tail });
  const client = await connectClient(flags);
  try {
    const containers = await serviceContainers(client, project, services);
    const labeled = containers.map((view) => ({ id: view.id, label: logName(view.config.name, project.name) }));
    await streamLogs(client, labeled, { follow: opts.follow ?? false, tail }, new LogPrinter(labeled.map((entry) => entry.label)));
    return 0;
  } finally {
    await client.close();
  }
}
