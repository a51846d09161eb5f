/** `berth compose images [-q] [--format json] [SERVICE...]`: the images the project's containers run, with Compose v2's columns. */
import { splitReference, normalizeReference } from '../../runtime/images/reference.js';
import { connectClient } from '../client.js';
import { loadFromFlags, serviceContainers, type ComposeFlags } from '../composeOptions.js';
import { humanSize, table } from '../output.js';

export default async function composeImages(services: string[], opts: { quiet?: boolean; format?: string }, flags: ComposeFlags): Promise<number> {
  const project = loadFromFlags(flags);
  const client = await connectClient(flags);
  try {
    const views = (await serviceContainers(client, project, services)).sort((a, b) => a.config.name.localeCompare(b.config.name));
    const rows = await Promise.all(views.map(async (view) => {
      const image = await client.request({ op: 'image.inspect', ref: view.config.image }).catch(() => null);
      const { repository, tag } = splitReference(normalizeReference(view.config.imageRef));
      return { ContainerName: view.config.name, Repository: repository.replace(/^docker\.io\/(library\/)?/, ''), Tag: tag, ID: view.config.image, Size: image?.size ?? 0 };
    }));
    if (opts.quiet) { process.stdout.write([...new Set(rows.map((row) => row.ID.slice(0, 12)))].map((id) => `${id}\n`).join('')); return 0; }
    if (opts.format === 'json') { process.stdout.write(`${JSON.stringify(rows.map((row) => ({ ...row, ID: `sha256:${row.ID}` })))}\n`); return 0; }
    process.stdout.write(table(['CONTAINER', 'REPOSITORY', 'TAG', 'IMAGE ID', 'SIZE'],
      rows.map((row) => [row.ContainerName, row.Repository, row.Tag, row.ID.slice(0, 12), humanSize(row.Size)])));
    return 0;
  } finally {
    await client.close();
  }
}
