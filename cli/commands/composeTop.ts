/** `berth compose top [SERVICE...]`: each running container's name, then its processes as `berth top` shows them. */
import { hasStatusTag } from '../../events/containerStatus.js';
import { connectClient } from '../client.js';
import { loadFromFlags, serviceContainers, type ComposeFlags } from '../composeOptions.js';
import { topTable } from './top.js';

export default async function composeTop(services: string[], _opts: object, flags: ComposeFlags): Promise<number> {
  const project = loadFromFlags(flags);
  const client = await connectClient(flags);
  try {
    const running = (await serviceContainers(client, project, services, false)).filter((view) => hasStatusTag(view.status, 'process'));
    const blocks: string[] = [];
    for (const view of running.sort((a, b) => a.config.name.localeCompare(b.config.name))) {
      blocks.push(`${view.config.name}\n${topTable(await client.request({ op: 'container.top', ref: view.id }))}`);
    }
    process.stdout.write(blocks.join('\n'));
    return 0;
  } finally {
    await client.close();
  }
}
