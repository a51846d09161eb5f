/**
 * A container's interface names, as Docker's sandbox chooses them: each new interface takes the
 * lowest ethN not held by another interface of the container's netns. Pure.
 */

const PREFIX = 'eth';

/** The lowest ethN not in `taken`. */
export function lowestFreeInterface(taken: Iterable<string>): string {
  const used = new Set(taken);
  let index = 0;
  while (used.has(`${PREFIX}${index}`)) index++;
  return `${PREFIX}${index}`;
}

/**
 * The names of a container's endpoints, in order: each keeps the name it recorded, and one
 * without (a log from before names were recorded) takes the lowest name the others leave free.
 */
export function interfaceNames(recorded: Array<string | undefined>): string[] {
  const taken = recorded.filter((name): name is string => name !== undefined);
  return recorded.map((name) => {
    if (name !== undefined) return name;
    const chosen = lowestFreeInterface(taken);
    taken.push(chosen);
    return chosen;
  });
}
