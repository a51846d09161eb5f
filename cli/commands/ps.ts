/** `berth ps`: list containers as a table, ids, or JSON lines. */
import { NotFoundError, ValidationError } from '../../events/errors.js';
import type { ContainerView } from '../../events/requests.js';
import { normalizeReference } from '../../runtime/images/reference.js';
import { connectClient, type GlobalOptions } from '../client.js';
import { lostContainerViews } from '../lostViews.js';
import { humanDuration, humanSize, table, truncate } from '../output.js';
import { parsePositiveInt } from '../parse.js';
import { formatList } from '../template.js';
import { combineFilters } from '../filters.js';
import { isRunning } from '../../events/containerStatus.js';

/** Docker's statuses, and `lost` (a container of a lost host, in a cluster). */
const STATUSES = ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead', 'lost'];
/** Our states that Docker does not have, as Docker's status filter sees them. */
const DOCKER_STATUS: Record<string, string> = { starting: 'created', stopping: 'running' };

function sameImage(ref: string, wanted: string): boolean {
  try {
    return normalizeReference(ref) === normalizeReference(wanted);
  } catch {
    return ref === wanted;
  }
}

/** The container a before=/since= filter names, among all of them (name, id or id prefix). */
function reference(value: string, everything: ContainerView[]): ContainerView {
  const found = everything.find((v) => v.config.name === value.replace(/^\//, '') || v.id === value)
    ?? (/^[a-f0-9]+$/.test(value) ? everything.find((v) => v.id.startsWith(value)) : undefined);
  if (!found) throw new NotFoundError(`No such container: ${value}`);
  return found;
}

type Test = (view: ContainerView, everything: ContainerView[]) => boolean;

/**
 * Docker's ps filters: id (prefix), name (regular expression), label=KEY[=VALUE],
 * status, exited=CODE, ancestor (reference or image id prefix), before and since (created
 * before or after the container named, which `everything` must hold). The same key given twice
 * matches either value; different keys must all match.
 */
export function psFilter(filters: string[]): { keep: Test; needsAll: boolean; needsEverything: boolean } {
  let needsAll = false;
  let needsEverything = false;
  const keep = combineFilters(filters, (key, value): Test => {
    switch (key) {
      case 'id': return (v) => v.id.startsWith(value);
      case 'name': {
        let re: RegExp;
        try { re = new RegExp(value.replace(/^\//, '')); } catch { throw new ValidationError(`invalid filter 'name=${value}': not a regular expression`); }
        return (v) => re.test(v.config.name);
      }
      case 'label': {
        const at = value.indexOf('=');
        return at === -1 ? (v) => value in v.config.labels : (v) => v.config.labels[value.slice(0, at)] === value.slice(at + 1);
      }
      case 'status':
        if (!STATUSES.includes(value)) throw new ValidationError(`invalid filter 'status=${value}': use one of ${STATUSES.join(', ')}`);
        needsAll = true;
        return (v) => (DOCKER_STATUS[v.status] ?? v.status) === value;
      case 'exited':
        if (!/^-?\d+$/.test(value)) throw new ValidationError(`invalid filter 'exited=${value}': use an exit code`);
        needsAll = true;
        return (v) => v.status === 'exited' && (v.exitCode ?? 0) === Number(value);
      case 'ancestor':
        return (v) => sameImage(v.config.imageRef, value) || (value.replace(/^sha256:/, '').length >= 4 && v.config.image.startsWith(value.replace(/^sha256:/, '')));
      case 'before':
        needsEverything = true;
        return (v, everything) => v.created < reference(value, everything).created;
      case 'since':
        needsEverything = true;
        return (v, everything) => v.created > reference(value, everything).created;
      default:
        throw new ValidationError(`invalid filter '${key}': use id, name, label, status, exited, ancestor, before or since`);
    }
  });
  return { keep, needsAll, needsEverything };
}

/** A container's name as ps shows it: `HOST/NAME` when the listing spans a cluster. */
export function displayName(v: ContainerView, clustered: boolean): string {
  return clustered ? `${v.host}/${v.config.name}` : v.config.name;
}

/** One container as Docker's ps templates and JSON see it. */
export function psRow(v: ContainerView, full: boolean, now = Date.now(), clustered = false): Record<string, unknown> {
  const command = JSON.stringify(v.config.cmd.join(' '));
  return {
    ID: full ? v.id : v.id.slice(0, 12),
    Names: displayName(v, clustered),
    Image: v.config.imageRef,
    Command: full ? command : truncate(command, 22),
    CreatedAt: new Date(v.created).toISOString(),
    RunningFor: `${humanDuration(now - v.created)} ago`,
    Ports: '',
    State: DOCKER_STATUS[v.status] ?? v.status,
    Status: statusText(v, now),
    Size: sizeText(v),
    Labels: Object.entries(v.config.labels).map(([k, val]) => `${k}=${val}`).join(','),
    Mounts: (v.config.mounts ?? []).map((m) => (m.type === 'volume' ? m.source : m.destination)).join(','),
    Networks: '',
    Host: v.host,
  };
}

/** Docker's SIZE: "2B (virtual 4.26MB)"; empty unless asked for (-s). */
export const sizeText = (v: ContainerView): string =>
  (v.sizeRw === undefined ? '' : `${humanSize(v.sizeRw)} (virtual ${humanSize(v.sizeRootFs ?? v.sizeRw)})`);

const HEADERS: Record<string, string> = { ID: 'CONTAINER ID', RunningFor: 'CREATED', CreatedAt: 'CREATED AT' };

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
    case 'lost': return `Lost (host ${view.host} is lost${view.rescheduledTo ? `; rescheduled to ${view.rescheduledTo.host} as ${view.rescheduledTo.id.slice(0, 12)}` : ''})`;
    default: return view.status.charAt(0).toUpperCase() + view.status.slice(1);
  }
}

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
    if (!client.isBound) {
      const answered = new Set(everything.map((v) => v.id));
      views = [...views, ...(await lostContainerViews(client, showAll)).filter((v) => !answered.has(v.id))];
    }
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
