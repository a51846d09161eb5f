/** `berth images` / `berth image ls`. */
import { splitReference } from '../../runtime/images/reference.js';
import { connectClient, type GlobalOptions } from '../client.js';
import { humanDuration, humanSize, table } from '../output.js';
import { formatList } from '../template.js';

export default async function images(opts: { quiet?: boolean; format?: string }, globals: GlobalOptions): Promise<number> {
  const client = await connectClient(globals);
  try {
    const views = await client.request({ op: 'image.list' });
    const rows = views.flatMap((v) => (v.tags.length ? v.tags : ['<none>:<none>']).map((tag) => ({ v, ...splitReference(tag) })));
    if (opts.format && opts.format !== 'json' && opts.format !== 'table' && !opts.quiet) {
      const now = Date.now();
      process.stdout.write(formatList(opts.format, rows.map(({ v, repository, tag }) => ({
        ID: v.id.slice(0, 12), Repository: repository, Tag: tag, Digest: v.repoDigests?.[0]?.split('@')[1] ?? '<none>',
        CreatedAt: v.created, CreatedSince: `${humanDuration(now - Date.parse(v.created))} ago`, Size: humanSize(v.size), Host: v.host,
      })), { ID: 'IMAGE ID', CreatedSince: 'CREATED' }));
    } else if (opts.quiet) {
      process.stdout.write([...new Set(views.map((v) => v.id.slice(0, 12)))].map((id) => `${id}\n`).join(''));
    } else if (opts.format === 'json') {
      process.stdout.write(rows.map(({ v, repository, tag }) => `${JSON.stringify({
        ID: v.id.slice(0, 12), Repository: repository, Tag: tag, CreatedAt: v.created, Size: humanSize(v.size), Host: v.host,
      })}\n`).join(''));
    } else {
      const now = Date.now();
      // A cluster client lists every host's images: each row says whose.
      const hostColumn = client.isBound ? [] : ['HOST'];
      process.stdout.write(table([...hostColumn, 'REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE'], rows.map(({ v, repository, tag }) => [
        ...(client.isBound ? [] : [v.host]), repository, tag, v.id.slice(0, 12), `${humanDuration(now - Date.parse(v.created))} ago`, humanSize(v.size),
      ])));
    }
    return 0;
  } finally {
    await client.close();
  }
}
