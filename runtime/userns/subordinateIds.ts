/**
 * --userns-remap's range, as Docker finds it: `default` is the user `dockremap`; otherwise
 * USER[:GROUP] (names or ids). The user's ranges in /etc/subuid and the group's in /etc/subgid
 * (an entry may name the user or its id) become one mapping each, container ids from 0 on,
 * range after range in the files' order. The parsing is pure; `resolveRemap` reads the files.
 */
import fs from 'node:fs/promises';
import { ValidationError } from '../../events/errors.js';
import type { IdMapping, UserNamespace } from '../../events/userNamespace.js';

/** Docker's user for `--userns-remap default`. */
export const DEFAULT_REMAP_USER = 'dockremap';

/** A user or group: its name (when it has one) and its id (when known). */
export interface Principal {
  name?: string;
  id?: number;
}

/** Finds `nameOrId` in /etc/passwd or /etc/group text (name field 0, id field 2). */
export function findPrincipal(text: string, nameOrId: string): Principal {
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    if (fields.length < 3) continue;
    if (fields[0] === nameOrId || fields[2] === nameOrId) return { name: fields[0], id: Number(fields[2]) };
  }
  return /^\d+$/.test(nameOrId) ? { id: Number(nameOrId) } : { name: nameOrId };
}

/** The ranges of `who` in /etc/subuid or /etc/subgid text, as one mapping from container id 0. */
export function subordinateMapping(text: string, who: Principal): IdMapping[] {
  const map: IdMapping[] = [];
  let next = 0;
  for (const line of text.split('\n')) {
    const [owner, start, count] = line.trim().split(':');
    if (!owner || !/^\d+$/.test(start ?? '') || !/^\d+$/.test(count ?? '') || Number(count) === 0) continue;
    if (owner !== who.name && owner !== String(who.id)) continue;
    map.push({ containerId: next, hostId: Number(start), size: Number(count) });
    next += Number(count);
  }
  return map;
}

/** Splits `default` or USER[:GROUP]; the group defaults to the user's name. */
export function parseRemap(value: string): { user: string; group: string } {
  const [user, group, ...rest] = (value === 'default' ? DEFAULT_REMAP_USER : value).split(':');
  if (!user || rest.length > 0 || group === '') throw new ValidationError(`invalid --userns-remap "${value}": use default, USER or USER:GROUP`);
  return { user, group: group ?? user };
}

const readOrEmpty = (file: string) => fs.readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
  if (error.code === 'ENOENT') return '';
  throw error;
});

/** The daemon's --userns-remap as uid and gid mappings; one clear line when it has no ranges. */
export async function resolveRemap(value: string, etc = '/etc'): Promise<UserNamespace> {
  const { user, group } = parseRemap(value);
  const [passwd, groups, subuid, subgid] = await Promise.all(['passwd', 'group', 'subuid', 'subgid'].map((file) => readOrEmpty(`${etc}/${file}`)));
  const uidMap = subordinateMapping(subuid!, findPrincipal(passwd!, user));
  if (uidMap.length === 0) throw new ValidationError(`--userns-remap ${value}: no subordinate uid range for ${user} in ${etc}/subuid (add a line like "${user}:100000:65536")`);
  const gidMap = subordinateMapping(subgid!, findPrincipal(groups!, group));
  if (gidMap.length === 0) throw new ValidationError(`--userns-remap ${value}: no subordinate gid range for ${group} in ${etc}/subgid (add a line like "${group}:100000:65536")`);
  return { uidMap, gidMap };
}
