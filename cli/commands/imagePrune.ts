/** `berth image prune [-a] [-f]`: dangling images, or every image no container uses. */
import { connectClient, type GlobalOptions } from '../client.js';
import { confirm, pruneImages, reclaimed } from '../prune.js';

export default async function imagePrune(opts: { all?: boolean; force?: boolean }, globals: GlobalOptions): Promise<number> {
  const warning = opts.all ? 'WARNING! This will remove all images without at least one container associated to them.' : 'WARNING! This will remove all dangling images.';
  if (!(await confirm(warning, opts.force))) return 0;
  const client = await connectClient(globals);
  try {
    reclaimed(await pruneImages(client, opts.all ?? false));
    return 0;
  } finally {
    await client.close();
  }
}
