/** `berth system df [-v] [--format]`: disk used by images, containers and volumes. */
import { connectClient, type GlobalOptions } from '../client.js';
import { percentOf, usageRows } from '../../client/views/diskUsage.js';
import { humanSize, table } from '../output.js';
import { formatList } from '../template.js';

export default async function systemDf(opts: { verbose?: boolean; format?: string }, globals: GlobalOptions): Promise<number> {
  const client = await connectClient(globals);
  try {
    const view = await client.request({ op: 'system.df' });
    const rows = usageRows(view).map((r) => ({
      Type: r.type, TotalCount: r.total, Active: r.active, Size: humanSize(r.size), Reclaimable: `${humanSize(r.reclaimable)} (${percentOf(r.reclaimable, r.size)})`,
    }));
    if (opts.format) {
      process.stdout.write(formatList(opts.format, rows, { Type: 'TYPE', TotalCount: 'TOTAL', Active: 'ACTIVE', Size: 'SIZE', Reclaimable: 'RECLAIMABLE' }));
      return 0;
    }
    process.stdout.write(table(['TYPE', 'TOTAL', 'ACTIVE', 'SIZE', 'RECLAIMABLE'], rows.map((r) => [r.Type, String(r.TotalCount), String(r.Active), r.Size, r.Reclaimable])));
    if (!opts.verbose) return 0;
    const imageSize = (chains: string[]) => chains.reduce((n, c) => n + (view.layers[c] ?? 0), 0);
    process.stdout.write(`\nImages space usage:\n\n${table(['REPOSITORY:TAG', 'IMAGE ID', 'SIZE', 'CONTAINERS'],
      view.images.map((i) => [i.tags[0] ?? '<none>:<none>', i.id.slice(0, 12), humanSize(imageSize(i.chainIds)), String(i.containers)]))}`);
    process.stdout.write(`\nContainers space usage:\n\n${table(['CONTAINER ID', 'IMAGE', 'SIZE', 'STATUS', 'NAMES'],
      view.containers.map((c) => [c.id.slice(0, 12), c.image, humanSize(c.size), c.status, c.name]))}`);
    process.stdout.write(`\nLocal Volumes space usage:\n\n${table(['VOLUME NAME', 'LINKS', 'SIZE'], view.volumes.map((v) => [v.name, String(v.links), humanSize(v.size)]))}`);
    return 0;
  } finally {
    await client.close();
  }
}
