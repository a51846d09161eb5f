/**
 * `berth compose rm [-f] [-s] [-v] [SERVICE...]`: the services' stopped containers removed (with
 * -s, stopped first; with -v, their anonymous volumes too), after Compose's question unless -f.
 */
import { hasStatusTag } from '../../events/containerStatus.js';
import { existingContainer, removeContainer } from '../../client/compose/up.js';
import { connectClient } from '../client.js';
import { loadFromFlags, printProgress, serviceContainers, type ComposeFlags } from '../composeOptions.js';
import { confirm } from '../prune.js';

export default async function composeRm(services: string[], opts: { force?: boolean; stop?: boolean; volumes?: boolean }, flags: ComposeFlags): Promise<number> {
  const project = loadFromFlags(flags);
  const client = await connectClient(flags);
  try {
    const views = (await serviceContainers(client, project, services)).sort((a, b) => a.config.name.localeCompare(b.config.name));
    const removable = opts.stop ? views : views.filter((view) => !hasStatusTag(view.status, 'process'));
    if (removable.length === 0) {
      process.stderr.write('No stopped containers\n');
      return 0;
    }
    if (!(await confirm(`Going to remove ${removable.map((view) => view.config.name).join(', ')}`, opts.force))) return 0;
    for (const view of removable) await removeContainer(client, project, existingContainer(view), printProgress, opts.volumes ?? false);
    return 0;
  } finally {
    await client.close();
  }
}
