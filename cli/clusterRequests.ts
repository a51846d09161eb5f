/**
 * How a cluster client (an external NATS, no host named) routes a request:
 * - a container named by `ref` goes to the host that holds it (`HOST/NAME` names the host;
 *   else every live host's containers are looked at, cli/addressing.ts);
 * - lists (containers, images, volumes) ask every live host and are joined;
 * - image import, load and pull go to every ready host, so placement finds the image anywhere;
 * - ping and placement go to any live host;
 * - anything else needs a host named.
 * A lost host is not asked, nor a fenced one (it refuses until it has stopped its duplicates):
 * their containers show as lost in `ps` (cli/commands/ps.ts).
 */
import { ValidationError } from '../events/errors.js';
import type { ContainerView, Op, Request, Result } from '../events/requests.js';
import { hostOfContainer, splitHostRef } from './addressing.js';
import type { Client } from './client.js';

const JOINED = new Set<Op>(['container.list', 'image.list', 'volume.list']);
const EVERY_READY_HOST = new Set<Op>(['image.import', 'image.load', 'image.pull']);

async function liveHosts(client: Client, ready = false): Promise<string[]> {
  const hosts = (await client.hosts()).filter((h) => (ready ? h.state === 'ready' : h.state !== 'lost' && h.state !== 'fenced')).map((h) => h.host);
  if (hosts.length === 0) throw new ValidationError(`no ${ready ? 'ready' : 'live'} host in the cluster`);
  return hosts;
}

/** Every container of every live host (stopped ones too). */
export async function clusterContainers(client: Client, timeoutMs: number): Promise<ContainerView[]> {
  const hosts = await liveHosts(client);
  const lists = await Promise.all(hosts.map((host) => client.send(host, { op: 'container.list', all: true }, timeoutMs)));
  return lists.flat();
}

/** The host a container ref names, and the ref as that host knows it. */
export async function locateContainer(client: Client, ref: string, timeoutMs: number): Promise<{ host: string; ref: string }> {
  const split = splitHostRef(ref);
  if (split.host) return { host: split.host, ref: split.ref };
  return { host: hostOfContainer(ref, await clusterContainers(client, timeoutMs)), ref };
}

export async function routeRequest<O extends Op>(client: Client, request: Extract<Request, { op: O }>, timeoutMs: number): Promise<Result<O>> {
  const op = request.op as Op;
  if (op.startsWith('container.') && 'ref' in request) {
    const { host, ref } = await locateContainer(client, request.ref as string, timeoutMs);
    return client.send(host, { ...request, ref } as typeof request, timeoutMs);
  }
  if (op === 'container.stats') {
    const refs = (request as Extract<Request, { op: 'container.stats' }>).refs;
    const targets = refs.length
      ? await Promise.all(refs.map((r) => locateContainer(client, r, timeoutMs)))
      : (await liveHosts(client)).map((host) => ({ host, ref: null }));
    const byHost = new Map<string, string[]>();
    for (const { host, ref } of targets) byHost.set(host, [...(byHost.get(host) ?? []), ...(ref ? [ref] : [])]);
    const parts = await Promise.all([...byHost].map(([host, hostRefs]) => client.send(host, { op: 'container.stats', refs: hostRefs }, timeoutMs)));
    return parts.flat() as Result<O>;
  }
  if (JOINED.has(op)) {
    const parts = await Promise.all((await liveHosts(client)).map((host) => client.send(host, request, timeoutMs)));
    return (parts as unknown[][]).flat() as Result<O>;
  }
  if (EVERY_READY_HOST.has(op)) {
    const results = await Promise.all((await liveHosts(client, true)).map((host) => client.send(host, request, timeoutMs)));
    return results[0];
  }
  if (op === 'system.ping' || op === 'system.place') return client.send((await liveHosts(client))[0], request, timeoutMs);
  throw new ValidationError(`${op} needs a host in a cluster: name one with --host (or BERTH_HOST)`);
}
