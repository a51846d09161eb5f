/**
 * A container's user namespace (--userns-remap): the ranges its uids and gids map to on the
 * host. Decided at create (actors/container/userNamespace.ts) and recorded in the config, so the
 * log says which host uids a container's files and processes have.
 */
import * as z from 'zod';
import { ValidationError } from './errors.js';
import { lazySchema } from './lazySchema.js';

/** One line of uid_map or gid_map: `size` ids from `containerId` inside are `hostId`.. outside. */
export const IdMapping = lazySchema(() => z.object({
  containerId: z.number().int().nonnegative(),
  hostId: z.number().int().nonnegative(),
  size: z.number().int().positive(),
}));
export type IdMapping = z.infer<typeof IdMapping>;

export const UserNamespace = lazySchema(() => z.object({
  uidMap: z.array(IdMapping).min(1),
  gidMap: z.array(IdMapping).min(1),
}));
export type UserNamespace = z.infer<typeof UserNamespace>;

/** The kernel's text for /proc/PID/uid_map (or gid_map): one "inside outside count" line each. */
export const mapText = (map: IdMapping[]): string => map.map((m) => `${m.containerId} ${m.hostId} ${m.size}\n`).join('');

/** The host id of container id `id` under `map` (as the kernel maps it); one that no range maps is refused. */
export function hostIdOf(map: IdMapping[], id: number): number {
  const range = map.find((m) => id >= m.containerId && id < m.containerId + m.size);
  if (!range) throw new ValidationError(`container id ${id} cannot be mapped to a host id`);
  return range.hostId + (id - range.containerId);
}
