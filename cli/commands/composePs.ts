/** `berth compose ps [-a] [-q] [--services] [--format json] [SERVICE...]`: the project's containers, with Compose v2's columns. */
import { psRow } from '../../client/views/ps.js';
import { LABEL } from '../../client/compose/labels.js';
import { connectClient } from '../client.js';
import { loadFromFlags, serviceContainers, type ComposeFlags } from '../composeOptions.js';
import { table } from '../output.js';

export default async function composePs(services: string[], opts: { all?: boolean; quiet?: boolean; services?: boolean; format?: string }, flags: ComposeFlags): Promise<number> {
  const project = loadFromFlags(flags);
  const client = await connectClient(flags);
  try {
    const views = (await serviceContainers(client, project, services, opts.all ?? false)).sort((a, b) => a.config.name.localeCompare(b.config.name));
    if (opts.quiet) { process.stdout.write(views.map((view) => `${view.id}\n`).join('')); return 0; }
    if (opts.services) { process.stdout.write([...new Set(views.map((view) => view.config.labels[LABEL.service]))].map((name) => `${name}\n`).join('')); return 0; }
    const rows = views.map((view): Record<string, unknown> => ({ ...psRow(view, false), Service: view.config.labels[LABEL.service] ?? '', Project: project.name, Name: view.config.name }));
    if (opts.format === 'json') { process.stdout.write(rows.map((row) => `${JSON.stringify(row)}\n`).join('')); return 0; }
    process.stdout.write(table(['NAME', 'IMAGE', 'COMMAND', 'SERVICE', 'CREATED', 'STATUS', 'PORTS'],
      rows.map((row) => [String(row.Name), String(row.Image), String(row.Command), String(row.Service), String(row.RunningFor), String(row.Status), String(row.Ports)])));
    return 0;
  } finally {
    await client.close();
  }
}
