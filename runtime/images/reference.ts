/** Image references as Docker writes them: NAME[:TAG], with "latest" as the default tag. */
import { ValidationError } from '../../events/errors.js';

const NAME = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;

/** "busybox" -> "busybox:latest"; throws ValidationError on a malformed reference. */
export function normalizeReference(reference: string): string {
  const slash = reference.lastIndexOf('/');
  const colon = reference.lastIndexOf(':');
  const hasTag = colon > slash;
  const name = hasTag ? reference.slice(0, colon) : reference;
  const tag = hasTag ? reference.slice(colon + 1) : 'latest';
  if (!NAME.test(name)) throw new ValidationError(`invalid reference format: "${reference}" (repository name must be lowercase)`);
  if (!TAG.test(tag)) throw new ValidationError(`invalid reference format: "${reference}" (bad tag)`);
  return `${name}:${tag}`;
}

/** Splits "name:tag" into its parts. */
export function splitReference(normalized: string): { repository: string; tag: string } {
  const colon = normalized.lastIndexOf(':');
  return { repository: normalized.slice(0, colon), tag: normalized.slice(colon + 1) };
}
