/**
 * Which of a container's networks gives it its default route, as Docker's sandbox chooses its
 * gateway endpoint: the first, in the container's order of networks (actors/network/networks.ts
 * `joined`: the one it was created with, then by name), that is not internal. When that network
 * is disconnected live, the route moves to the next such network it is still on; Docker does
 * the same. A live connect gives the route to the new network when it comes first of them: a
 * container that had none (on internal networks only, or on none left) gets one through it, as
 * Docker's does, and the route is always where a restart would put it. Pure.
 */

export interface RouteCandidate {
  /** The network's name. */
  name: string;
  /** An internal network has no way out: it never gives a default route. */
  internal: boolean;
}

/** The network whose gateway is the default route; undefined when every one is internal. */
export function gatewayNetwork<T extends RouteCandidate>(ordered: T[]): T | undefined {
  return ordered.find((network) => !network.internal);
}

/**
 * After `removed` is disconnected from a container on `before` (its networks, in order, with
 * `removed` among them): the network the default route moves to, or undefined when it stays
 * where it is (`removed` did not give it) or there is none left to give it.
 */
export function gatewayAfterDisconnect<T extends RouteCandidate>(before: T[], removed: string): T | undefined {
  if (gatewayNetwork(before)?.name !== removed) return undefined;
  return gatewayNetwork(before.filter((network) => network.name !== removed));
}

/**
 * After `added` is connected to a container now on `after` (its networks, in order, `added`
 * among them): `added`, when the default route moves to it (it is the first network that is
 * not internal: the container had no route, or it comes before the one that gave it), or
 * undefined when the route stays where it is.
 */
export function gatewayAfterConnect<T extends RouteCandidate>(after: T[], added: string): T | undefined {
  const gateway = gatewayNetwork(after);
  return gateway?.name === added ? gateway : undefined;
}
