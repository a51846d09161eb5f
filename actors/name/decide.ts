/**
 * decide: the only place name rules live. A name is held by one owner at a time. A container
 * name claimed by another is a conflict, unless the caller knows the holder is gone
 * (`replacing`); a tag moves to the image that claims it (Docker's tag and pull).
 */
import type { Draft } from '../../events/envelope.js';
import { ConflictError, ValidationError } from '../../events/errors.js';
import type { NameCommand, NameEvent, NameNamespace } from '../../events/name.js';
import type { NameState } from './state.js';

export type NameDraft = Draft<NameEvent>;

/** The namespaces whose names move to a new claimant instead of refusing it. */
const MOVES: ReadonlySet<NameNamespace> = new Set(['tag']);

/** Docker's rule for container names. */
export const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** Refuses a name its namespace does not allow. */
export function checkName(namespace: NameNamespace, name: string): void {
  if (namespace === 'container' && !CONTAINER_NAME.test(name)) {
    throw new ValidationError(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  }
}

function inUse(namespace: NameNamespace, name: string, owner: string): ConflictError {
  return new ConflictError(`Conflict. The ${namespace} name "/${name}" is already in use by ${namespace} "${owner}". You have to remove (or rename) that ${namespace} to be able to reuse that name.`);
}

export function decideName(state: NameState, command: NameCommand): NameDraft[] {
  switch (command.type) {
    case 'Claim': {
      const { namespace, name, owner, replacing } = command;
      checkName(namespace, name);
      if (state.status !== 'claimed') return [{ type: 'name.claimed', data: { namespace, name, owner } }];
      if (state.owner === owner) return []; // claimed already: a resent claim has one effect
      if (!MOVES.has(namespace) && (replacing === undefined || state.owner !== replacing)) throw inUse(namespace, name, state.owner!);
      return [
        { type: 'name.released', data: { namespace, name, owner: state.owner! } },
        { type: 'name.claimed', data: { namespace, name, owner } },
      ];
    }
    case 'Release':
      if (state.status !== 'claimed' || state.owner !== command.owner) return []; // not theirs (any more)
      return [{ type: 'name.released', data: { namespace: state.namespace!, name: state.name!, owner: command.owner } }];
  }
}
