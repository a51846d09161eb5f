/** `berth compose down [-v] [--remove-orphans] [-t N]`: the project's containers stopped and removed (dependents first), then its networks, and with -v its volumes. */
import { NotFoundError } from '../../events/errors.js';
import { planDown } from '../../client/compose/plan.js';
import { existingContainer, orphanWarning, removeContainer } from '../../client/compose/up.js';
import { connectClient } from '../client.js';
import { loadFromFlags, printProgress, type ComposeFlags } from '../composeOptions.js';

export default async function composeDown(opts: { volumes?: boolean; removeOrphans?: boolean; timeout?: string }, flags: ComposeFlags): Promise<number> {
  const project = loadFromFlags(flags);
  const client = await connectClient(flags);
  try {
    const views = await client.request({ op: 'container.list', all: true });
    const plan = planDown(project, views.map(existingContainer), { volumes: opts.volumes ?? false, removeOrphans: opts.removeOrphans ?? false });
    if (plan.orphans.length) printProgress('Warning', orphanWarning(plan.orphans), '');
    const timeout = opts.timeout === undefined ? undefined : Number(opts.timeout);
    for (const container of plan.containers) await removeContainer(client, project, container, printProgress, opts.volumes ?? false, timeout);
    const gone = (error: unknown) => { if (!(error instanceof NotFoundError)) throw error; };
    const networks = new Set((await client.request({ op: 'network.list' })).map((network) => network.name));
    for (const name of plan.networks.filter((network) => networks.has(network))) {
      await client.request({ op: 'network.remove', ref: name }).then(() => printProgress('Network', name, 'Removed'), gone);
    }
    const volumes = new Set((await client.request({ op: 'volume.list' })).map((volume) => volume.name));
    for (const name of plan.volumes.filter((volume) => volumes.has(volume))) {
      await client.request({ op: 'volume.remove', name, force: false }).then(() => printProgress('Volume', name, 'Removed'), gone);
    }
    return 0;
  } finally {
    await client.close();
  }
}
