/** `berth compose ls [-a] [-q] [--format json]`: the projects that have containers, with their state and files (from their labels). */
import { LABEL } from '../../client/compose/labels.js';
import { hasStatusTag } from '../../events/containerStatus.js';
import { connectClient, type GlobalOptions } from '../client.js';
import { table } from '../output.js';

export default async function composeLs(opts: { all?: boolean; quiet?: boolean; format?: string }, globals: GlobalOptions): Promise<number> {
  const client = await connectClient(globals);
  try {
    const views = (await client.request({ op: 'container.list', all: true })).filter((view) => view.config.labels[LABEL.project]);
    const projects = new Map<string, { statuses: Map<string, number>; files: string; running: boolean }>();
    for (const view of views) {
      const name = view.config.labels[LABEL.project];
      const entry = projects.get(name) ?? { statuses: new Map(), files: view.config.labels[LABEL.configFiles] ?? '', running: false };
      entry.statuses.set(view.status, (entry.statuses.get(view.status) ?? 0) + 1);
      entry.running ||= hasStatusTag(view.status, 'running');
      projects.set(name, entry);
    }
    const rows = [...projects].filter(([, entry]) => opts.all || entry.running).sort(([a], [b]) => a.localeCompare(b))
      .map(([name, entry]) => ({ Name: name, Status: [...entry.statuses].map(([status, count]) => `${status}(${count})`).join(', '), ConfigFiles: entry.files }));
    if (opts.quiet) process.stdout.write(rows.map((row) => `${row.Name}\n`).join(''));
    else if (opts.format === 'json') process.stdout.write(`${JSON.stringify(rows)}\n`);
    else process.stdout.write(table(['NAME', 'STATUS', 'CONFIG FILES'], rows.map((row) => [row.Name, row.Status, row.ConfigFiles])));
    return 0;
  } finally {
    await client.close();
  }
}
