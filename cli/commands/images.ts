/** `berth images` / `berth image ls`. */
import { splitReference } from '../../runtime/images/reference.js';
import type { ImageView } from '../../events/requests.js';
import { connectClient, type GlobalOptions } from '../client.js';
import { imageFilter, type ImageRow } from '../imageFilter.js';
import { listedImages } from '../../client/views/intermediate.js';
import { humanDuration, humanSize, table } from '../output.js';
import { formatList } from '../template.js';

export interface ImagesOptions {
  quiet?: boolean;
  format?: string;
  /** -a: intermediate images too (client/views/intermediate.ts). */
  all?: boolean;
  digests?: boolean;
  trunc?: boolean;
  filter?: string[];
}

/** The digest a row shows: the one recorded for its repository. */
const digestOf = (v: ImageView, repository: string) => v.repoDigests?.find((d) => d.startsWith(`${repository}@`))?.split('@')[1] ?? '<none>';

export default async function images(reference: string | undefined, opts: ImagesOptions, globals: GlobalOptions): Promise<number> {
  const keep = imageFilter([...(opts.filter ?? []), ...(reference ? [`reference=${reference}`] : [])]);
  const client = await connectClient(globals);
  try {
    const views = await client.request({ op: 'image.list' });
    const rows: ImageRow[] = listedImages(views, opts.all ?? false)
      .flatMap((v) => (v.tags.length ? v.tags : ['<none>:<none>']).map((tag) => ({ view: v, ...splitReference(tag) })))
      .filter((row) => keep(row, views));
    const id = (v: ImageView) => (opts.trunc === false ? `sha256:${v.id}` : v.id.slice(0, 12));
    const now = Date.now();
    if (opts.quiet) {
      process.stdout.write([...new Set(rows.map((r) => id(r.view)))].map((i) => `${i}\n`).join(''));
    } else if (opts.format === 'json') {
      process.stdout.write(rows.map(({ view: v, repository, tag }) => `${JSON.stringify({
        ID: id(v), Repository: repository, Tag: tag, Digest: digestOf(v, repository), CreatedAt: v.created, Size: humanSize(v.size), Host: v.host,
      })}\n`).join(''));
    } else if (opts.format && opts.format !== 'table') {
      process.stdout.write(formatList(opts.format, rows.map(({ view: v, repository, tag }) => ({
        ID: id(v), Repository: repository, Tag: tag, Digest: digestOf(v, repository),
        CreatedAt: v.created, CreatedSince: `${humanDuration(now - Date.parse(v.created))} ago`, Size: humanSize(v.size), Host: v.host,
      })), { ID: 'IMAGE ID', CreatedSince: 'CREATED' }));
    } else {
      const now = Date.now();
      // A cluster client lists every host's images: each row says whose.
      const hostColumn = client.isBound ? [] : ['HOST'];
      const header = [...hostColumn, 'REPOSITORY', 'TAG', ...(opts.digests ? ['DIGEST'] : []), 'IMAGE ID', 'CREATED', 'SIZE'];
      process.stdout.write(table(header, rows.map(({ view: v, repository, tag }) => [
        ...(client.isBound ? [] : [v.host]), repository, tag, ...(opts.digests ? [digestOf(v, repository)] : []), id(v), `${humanDuration(now - Date.parse(v.created))} ago`, humanSize(v.size),
      ])));
    }
    return 0;
  } finally {
    await client.close();
  }
}
