/**
 * `ps`: Docker's filters over container views, and each container as Docker's ps templates
 * and JSON see it (names, STATUS text, SIZE). Pure.
 */
import { NotFoundError, ValidationError } from '../../events/errors.js';
import { psPorts } from './ports.js';
import type { ContainerView } from '../../events/requests.js';
import { normalizeReference } from '../../runtime/images/reference.js';
import { combineFilters } from './filters.js';
import { humanDuration, humanSize, truncate } from './human.js';

/** What `ps` without -a shows (as the daemon's list does). */
/** Docker's statuses, and `lost` (a container of a lost host, in a cluster). */
const STATUSES = ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead', 'lost'];
/** Our states that Docker does not have, as Docker's status filter sees them. */
export const DOCKER_STATUS: Record<string, string> = { starting: 'created', stopping: 'running' };

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
    Ports: psPorts(v),
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

/** Docker's STATUS column: "Up 3 minutes", "Exited (0) 2 seconds ago", "Created". */
export function statusText(view: ContainerView, now = Date.now()): string {
  switch (view.status) {
    case 'running': return `Up ${humanDuration(now - (view.startedAt ?? now))}${view.health ? ` (${view.health.status === 'starting' ? 'health: starting' : view.health.status})` : ''}`;
    case 'paused': return `Up ${humanDuration(now - (view.startedAt ?? now))} (Paused${view.selfFencedAt === undefined ? '' : ': self-fenced, its host is cut off from the cluster'})`;
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
