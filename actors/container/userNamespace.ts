/**
 * Which user namespace a new container gets: the rule, pure. The daemon's --userns-remap range
 * (resolved at its start from /etc/subuid and /etc/subgid) applies to every container but those
 * created with --userns=host, Docker's opt-out. As in Docker, a container that would share what
 * only host root may hold (--privileged, the host's network) must opt out.
 */
import { ValidationError } from '../../events/errors.js';
import type { CreateSpec } from '../../events/requests.js';
import type { UserNamespace } from '../../events/userNamespace.js';

export function containerUserNamespace(spec: Pick<CreateSpec, 'usernsMode' | 'security'>, remap: UserNamespace | undefined): UserNamespace | undefined {
  if (!remap || spec.usernsMode === 'host') return undefined;
  if (spec.security?.privileged) {
    throw new ValidationError('privileged mode is incompatible with user namespaces; run the container with --userns=host to use it');
  }
  if (spec.security?.network === 'host') {
    throw new ValidationError('cannot share the host\'s network namespace when user namespaces are enabled; run the container with --userns=host to use it');
  }
  return remap;
}
