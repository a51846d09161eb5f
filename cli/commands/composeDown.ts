/**
 * `berth compose down [-v] [--rmi local|all] [--remove-orphans] [-t N]`: the project's containers
 * stopped and removed (dependents first), then its networks, with --rmi the services' images,
 * and with -v its volumes (Compose v2's order).
 */
import { ConflictError, NotFoundError } from '../../events/errors.js';
import { ComposeError } from '../../client/compose/errors.js';
import { planDown, type RemoveImages } from '../../client/compose/plan.js';
import { existingContainer, orphanWarning, removeContainer } from '../../client/compose/up.js';
import { connectClient } from '../client.js';
import { loadFromFlags, printProgress, type ComposeFlags } from '../composeOptions.js';

export default async function composeDown(opts: { volumes?: boolean; removeOrphans?: boolean; timeout?: string; rmi?: string }, flags: ComposeFlags): Promise<number> {
  if (opts.rmi !== undefined && opts.rmi !== 'local' && opts.rmi !== 'all') throw new ComposeError(`invalid value for --rmi: ${JSON.stringify(opts.rmi)}: local or all`);
  const project = loadFromFlags(flags);
  const client = await connectClient(flags);
  try {
    const views = await client.request({ op: 'container.list', all: true });
    const plan = planDown(project, views.map(existingContainer), { volumes: opts.volumes ?? false, removeOrphans: opts.removeOrphans ?? false, images: opts.rmi as RemoveImages | undefined });
    if (plan.orphans.length) printProgress('Warning', orphanWarning(plan.orphans), '');
    const timeout = opts.timeout === undefined ? undefined : Number(opts.timeout);
    for (const container of plan.containers) await removeContainer(client, project, container, printProgress, opts.volumes ?? false, timeout);
    const gone = (error: unknown) => { if (!(error instanceof NotFoundError)) throw error; };
    const networks = new Set((await client.request({ op: 'network.list' })).map((network) => network.name));
    for (const name of plan.networks.filter((network) => networks.has(network))) {
      await client.request({ op: 'network.remove', ref: name }).then(() => printProgress('Network', name, 'Removed'), gone);
    }
    // An image another container still uses stays, as Compose leaves it ("Resource is still in use").
    for (const image of plan.images) {
      await client.request({ op: 'image.remove', ref: image, force: false }).then(() => printProgress('Image', image, 'Removed'), (error: unknown) => {
        if (error instanceof ConflictError) printProgress('Image', image, 'Resource is still in use');
        else gone(error);
      });
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
