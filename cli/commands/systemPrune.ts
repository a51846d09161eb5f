/** `berth system prune [-a] [--volumes] [-f]`: stopped containers, dangling (or unused) images, and unused anonymous volumes. */
import { connectClient, type GlobalOptions } from '../client.js';
import { confirm, pruneContainers, pruneImages, pruneVolumes, reclaimed } from '../prune.js';

export default async function systemPrune(opts: { all?: boolean; volumes?: boolean; force?: boolean }, globals: GlobalOptions): Promise<number> {
  const warning = ['WARNING! This will remove:', '  - all stopped containers',
    ...(opts.volumes ? ['  - all anonymous volumes not used by at least one container'] : []),
    opts.all ? '  - all images without at least one container associated to them' : '  - all dangling images'].join('\n');
  if (!(await confirm(warning, opts.force))) return 0;
  const client = await connectClient(globals);
  try {
    let bytes = await pruneContainers(client);
    if (opts.volumes) bytes += await pruneVolumes(client);
    bytes += await pruneImages(client, opts.all ?? false);
    reclaimed(bytes);
    return 0;
  } finally {
    await client.close();
  }
}
