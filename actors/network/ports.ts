/**
 * decide for published ports: which host port each request gets. Pure. A port is taken when
 * another container of the host publishes it (on an overlapping address, same protocol), or when
 * the host's kernel said it is bound (`busy`, found by binding it). `-p CTR` and -P take the
 * lowest free port of Docker's ephemeral range; a host range takes its lowest free port.
 */
import { ConflictError } from '../../events/errors.js';
import { ExposedPort, portKey, type PortRequest, type PublishedPort } from '../../events/ports.js';

/** Docker's ephemeral range (its default when /proc gives none): 32768-60999. */
export const EPHEMERAL_PORTS: readonly [number, number] = [32768, 60999];

/** A host port on an address: what two publications must not share. */
export interface HostPort {
  hostIp: string;
  hostPort: number;
  protocol: string;
}

/** Whether two host ports clash: same protocol and port, and one address covers the other. */
export function clashes(a: HostPort, b: HostPort): boolean {
  return a.protocol === b.protocol && a.hostPort === b.hostPort && (covers(a.hostIp, b.hostIp) || covers(b.hostIp, a.hostIp));
}

/** '' (every address, both families) covers all; '::' every IPv6 address. */
function covers(wide: string, narrow: string): boolean {
  return wide === '' || wide === narrow || (wide === '::' && narrow.includes(':'));
}

/** Docker's text for a host port: 0.0.0.0:8080, [::]:8080. */
export function hostAddress(port: { hostIp: string; hostPort: number | string }): string {
  return `${port.hostIp.includes(':') ? `[${port.hostIp}]` : port.hostIp || '0.0.0.0'}:${port.hostPort}`;
}

/**
 * A container's Config.ExposedPorts, as Docker merges them: the image's EXPOSE ('80/tcp',
 * '53/udp', '8080'; what berth cannot publish, such as sctp, left out), then --expose, then the
 * -p container ports; each once, ordered by port then protocol.
 */
export function exposedPorts(image: string[], expose: string[], requests: PortRequest[]): ExposedPort[] {
  const fromImage = image.flatMap((entry) => {
    const [port, protocol = 'tcp'] = entry.toLowerCase().split('/');
    const key = `${port}/${protocol}`;
    return ExposedPort.safeParse(key).success ? [key] : [];
  });
  const all = new Set([...fromImage, ...expose, ...requests.map(portKey)]);
  return [...all].sort((a, b) => parseInt(a, 10) - parseInt(b, 10) || a.localeCompare(b));
}

/** -P's requests: each exposed port not already asked for by -p, on a free port. */
export function exposedRequests(exposed: ExposedPort[], requests: PortRequest[]): PortRequest[] {
  const asked = new Set(requests.map(portKey));
  return exposed.filter((key) => !asked.has(key)).map((key) => {
    const [port, protocol] = key.split('/');
    return { containerPort: Number(port), protocol: protocol === 'udp' ? 'udp' : 'tcp', hostIp: '', hostPort: '' };
  });
}

/**
 * The host ports other containers hold against a new one: all of a running one's; of a stopped
 * one only those berth chose from the ephemeral range (kept so that its start gets them back).
 * A port asked for by number is taken at start, as Docker allocates it, so a container can be
 * made beside a stopped one with the same -p: compose 1.29 recreates a service so (stop, rename,
 * create, start, remove the old one).
 */
export function heldPorts(others: Array<{ ports: PublishedPort[]; up: boolean }>): HostPort[] {
  return others.flatMap(({ ports, up }) => (up ? ports : ports.filter((port) => port.requested === '')));
}

/** A start's check: a port asked for by number that a running container publishes. */
export function clashAtStart(ports: PublishedPort[], running: HostPort[]): void {
  const taken = ports.find((port) => running.some((other) => clashes(port, other)));
  if (taken) throw new ConflictError(`Bind for ${hostAddress(taken)} failed: port is already allocated`);
}

export interface PortsInput {
  requests: PortRequest[];
  /** Requests from -P (marked `exposed` in the result). */
  exposed: PortRequest[];
  /** Ports other containers publish (and reservations in flight). */
  reserved: HostPort[];
  /** Ports the host's kernel has bound. */
  busy: HostPort[];
  range?: readonly [number, number];
}

export function decidePorts(input: PortsInput): PublishedPort[] {
  const range = input.range ?? EPHEMERAL_PORTS;
  const chosen: PublishedPort[] = [];
  const all = [...input.requests.map((r) => ({ r, exposed: false })), ...input.exposed.map((r) => ({ r, exposed: true }))];
  for (const { r, exposed } of all) {
    const free = (hostPort: number, reservedOnly = false) => {
      const candidate = { hostIp: r.hostIp, hostPort, protocol: r.protocol };
      return ![...input.reserved, ...chosen, ...(reservedOnly ? [] : input.busy)].some((taken) => clashes(candidate, taken));
    };
    const [low, high = low] = r.hostPort === '' ? range : r.hostPort.split('-').map(Number);
    let hostPort: number | undefined;
    for (let port = low; port <= high && hostPort === undefined; port++) if (free(port)) hostPort = port;
    if (hostPort === undefined) {
      if (r.hostPort === '') throw new ConflictError(`no free host port for ${portKey(r)} in ${range[0]}-${range[1]}`);
      const inUse = low === high && free(low, true);
      throw new ConflictError(`Bind for ${hostAddress({ hostIp: r.hostIp, hostPort: r.hostPort })} failed: ${inUse ? 'address already in use' : 'port is already allocated'}`);
    }
    chosen.push({ containerPort: r.containerPort, protocol: r.protocol, hostIp: r.hostIp, hostPort, requested: r.hostPort, ...(exposed ? { exposed: true } : {}) });
  }
  return chosen;
}
