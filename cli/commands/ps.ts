/** `berth ps`: list containers as a table, ids, or JSON lines. */
import type { ContainerView } from '../../events/requests.js';
import { connectClient, type GlobalOptions } from '../client.js';
import { humanDuration, table, truncate } from '../output.js';

/** Docker's STATUS column: "Up 3 minutes", "Exited (0) 2 seconds ago", "Created". */
export function statusText(view: ContainerView, now = Date.now()): string {
  switch (view.status) {
    case 'running': return `Up ${humanDuration(now - (view.startedAt ?? now))}${view.health ? ` (${view.health.status === 'starting' ? 'health: starting' : view.health.status})` : ''}`;
    case 'paused': return `Up ${humanDuration(now - (view.startedAt ?? now))} (Paused)`;
    case 'stopping': return 'Stopping';
    case 'starting': return 'Starting';
    case 'exited': return `Exited (${view.exitCode ?? 0}) ${humanDuration(now - (view.finishedAt ?? now))} ago`;
    case 'created': return 'Created';
    case 'restarting': return `Restarting (${view.exitCode ?? 0}) ${humanDuration(now - (view.finishedAt ?? now))} ago`;
    case 'removing': return 'Removal In Progress';
    default: return view.status.charAt(0).toUpperCase() + view.status.slice(1);
  }
}

export default async function ps(opts: { all?: boolean; quiet?: boolean; trunc?: boolean; format?: string }, globals: GlobalOptions): Promise<number> {
  const client = await connectClient(globals);
  try {
    const views = await client.request({ op: 'container.list', all: opts.all ?? false });
    const full = opts.trunc === false;
    if (opts.quiet) {
      process.stdout.write(views.map((v) => `${full ? v.id : v.id.slice(0, 12)}\n`).join(''));
    } else if (opts.format === 'json') {
      process.stdout.write(views.map((v) => `${JSON.stringify({
        ID: full ? v.id : v.id.slice(0, 12), Names: v.config.name, Image: v.config.imageRef,
        Command: JSON.stringify(v.config.cmd.join(' ')), CreatedAt: new Date(v.created).toISOString(),
        State: v.status, Status: statusText(v), Host: v.host, Labels: v.config.labels,
      })}\n`).join(''));
    } else {
      const now = Date.now();
      const rows = views.map((v) => [
        full ? v.id : v.id.slice(0, 12),
        v.config.imageRef,
        full ? JSON.stringify(v.config.cmd.join(' ')) : truncate(JSON.stringify(v.config.cmd.join(' ')), 22),
        `${humanDuration(now - v.created)} ago`,
        statusText(v, now),
        '',
        v.config.name,
      ]);
      process.stdout.write(table(['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES'], rows));
    }
    return 0;
  } finally {
    await client.close();
  }
}
