/** `berth ps`: list containers as a table, ids, or JSON lines. */
import { isRunning } from '../../events/containerStatus.js';
import { displayName, psFilter, psRow, sizeText, statusText } from '../../client/views/ps.js';
import { psPorts } from '../../client/views/ports.js';
import { connectClient, type GlobalOptions } from '../client.js';
import { humanDuration, table, truncate } from '../output.js';
import { parsePositiveInt } from '../parse.js';
import { formatList } from '../template.js';

const HEADERS: Record<string, string> = { ID: 'CONTAINER ID', RunningFor: 'CREATED', CreatedAt: 'CREATED AT' };

export interface PsOptions {
  all?: boolean;
  quiet?: boolean;
  trunc?: boolean;
  format?: string;
  last?: string;
  latest?: boolean;
  filter?: string[];
  size?: boolean;
}

export default async function ps(opts: PsOptions, globals: GlobalOptions): Promise<number> {
  const { keep, needsAll, needsEverything } = psFilter(opts.filter ?? []);
  const last = opts.latest ? 1 : opts.last === undefined ? undefined : parsePositiveInt(opts.last, '--last');
  const client = await connectClient(globals);
  try {
    // -n and -l look at every container, as the status and exited filters do; before and since
    // name a container that may have stopped, so they read every one and show the running ones.
    const showAll = (opts.all ?? false) || needsAll || last !== undefined;
    const everything = await client.request({ op: 'container.list', all: showAll || needsEverything, size: opts.size ?? false });
    let views = everything.filter((v) => showAll || isRunning(v.status));
    // A cluster's lost hosts cannot answer: their containers come from the log, as lost. A host
    // read as lost that answered all the same (its heartbeat expired on a busy machine, or the
    // read raced its return) shows what it answered, not its containers twice.
    const answered = new Set(everything.map((v) => v.id));
    views = [...views, ...(await client.lostContainers(showAll)).filter((v) => !answered.has(v.id))];
    views = views.filter((v) => keep(v, everything));
    // Every host lists its own newest first; a cluster's lists are merged the same way.
    if (!client.isBound) views.sort((a, b) => b.created - a.created);
    if (last !== undefined) views = views.slice(0, last);
    const full = opts.trunc === false;
    const clustered = !client.isBound;
    if (opts.format && opts.format !== 'json' && opts.format !== 'table' && !opts.quiet) {
      const now = Date.now();
      process.stdout.write(formatList(opts.format, views.map((v) => psRow(v, full, now, clustered)), HEADERS));
    } else if (opts.quiet) {
      process.stdout.write(views.map((v) => `${full ? v.id : v.id.slice(0, 12)}\n`).join(''));
    } else if (opts.format === 'json') {
      process.stdout.write(views.map((v) => `${JSON.stringify({
        ID: full ? v.id : v.id.slice(0, 12), Names: displayName(v, clustered), Image: v.config.imageRef,
        Command: JSON.stringify(v.config.cmd.join(' ')), CreatedAt: new Date(v.created).toISOString(),
        State: v.status, Status: statusText(v), Ports: psPorts(v), Host: v.host, Labels: v.config.labels,
      })}\n`).join(''));
    } else {
      const now = Date.now();
      const rows = views.map((v) => [
        full ? v.id : v.id.slice(0, 12),
        v.config.imageRef,
        full ? JSON.stringify(v.config.cmd.join(' ')) : truncate(JSON.stringify(v.config.cmd.join(' ')), 22),
        `${humanDuration(now - v.created)} ago`,
        statusText(v, now),
        psPorts(v),
        displayName(v, clustered),
        ...(opts.size ? [sizeText(v)] : []),
      ]);
      process.stdout.write(table(['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES', ...(opts.size ? ['SIZE'] : [])], rows));
    }
    return 0;
  } finally {
    await client.close();
  }
}
