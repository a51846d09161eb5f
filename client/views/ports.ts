/** A container's published ports as Docker shows them: inspect's Ports and PortBindings, ps's PORTS, `port`'s lines. Pure. */
import { hasStatusTag } from '../../events/containerStatus.js';
import { portKey, type PublishedPort } from '../../events/ports.js';
import type { ContainerView } from '../../events/requests.js';

const hostIpOf = (port: PublishedPort) => port.hostIp || '0.0.0.0';
/** As `port` and `ps` write an address: an IPv6 one in brackets ([::]:8080). */
const hostText = (port: PublishedPort) => (port.hostIp.includes(':') ? `[${port.hostIp}]` : hostIpOf(port));

function ordered(ports: PublishedPort[]): PublishedPort[] {
  return [...ports].sort((a, b) => a.protocol.localeCompare(b.protocol) || a.containerPort - b.containerPort || hostIpOf(a).localeCompare(hostIpOf(b)) || a.hostPort - b.hostPort);
}

/** The mappings in force: Docker keeps them only while the container runs. */
export function livePorts(v: ContainerView): PublishedPort[] {
  return hasStatusTag(v.status, 'process') ? ordered(v.config.networking?.ports ?? []) : [];
}

/** The exposed ports not published, while the container runs ('80/tcp'): Docker lists them too. */
export function unpublishedPorts(v: ContainerView): string[] {
  if (!hasStatusTag(v.status, 'process')) return [];
  const published = new Set(livePorts(v).map(portKey));
  return (v.config.exposedPorts ?? []).filter((key) => !published.has(key));
}

/** NetworkSettings.Ports: '80/tcp' → [{HostIp, HostPort}], or null for an exposed port not published. */
export function portsJson(v: ContainerView): Record<string, Array<{ HostIp: string; HostPort: string }> | null> {
  const json: Record<string, Array<{ HostIp: string; HostPort: string }> | null> = {};
  for (const port of livePorts(v)) (json[portKey(port)] ??= []).push({ HostIp: hostIpOf(port), HostPort: String(port.hostPort) });
  for (const key of unpublishedPorts(v)) json[key] = null;
  return json;
}

/** The list's Ports (GET /containers/json): each mapping, and each exposed port not published. */
export function portSummaries(v: ContainerView): Array<{ IP?: string; PrivatePort: number; PublicPort?: number; Type: string }> {
  return [
    ...livePorts(v).map((port) => ({ IP: hostIpOf(port), PrivatePort: port.containerPort, PublicPort: port.hostPort, Type: port.protocol })),
    ...unpublishedPorts(v).map((key) => ({ PrivatePort: parseInt(key, 10), Type: key.split('/')[1] })),
  ];
}

/** HostConfig.PortBindings (as asked, -P's left out) and PublishAllPorts. */
export function portBindingsJson(v: ContainerView): { PortBindings: Record<string, Array<{ HostIp: string; HostPort: string }>>; PublishAllPorts: boolean } {
  const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  for (const port of v.config.networking?.ports ?? []) {
    if (!port.exposed) (bindings[portKey(port)] ??= []).push({ HostIp: port.hostIp, HostPort: port.requested });
  }
  return { PortBindings: bindings, PublishAllPorts: v.config.networking?.publishAll ?? false };
}

/** `port`'s lines: '80/tcp -> 0.0.0.0:8080'. */
export function portLines(v: ContainerView): string[] {
  return livePorts(v).map((port) => `${portKey(port)} -> ${hostText(port)}:${port.hostPort}`);
}

/**
 * ps's PORTS: '0.0.0.0:8080->80/tcp', consecutive ports shown as ranges ('0.0.0.0:8000-8002->80-82/tcp'),
 * then the exposed ports not published ('81/tcp', '7000-7001/udp').
 */
export function psPorts(v: ContainerView): string {
  const groups: Array<{ first: PublishedPort; last: PublishedPort }> = [];
  for (const port of livePorts(v)) {
    const group = groups.at(-1);
    if (group && group.last.protocol === port.protocol && hostIpOf(group.last) === hostIpOf(port)
      && port.containerPort === group.last.containerPort + 1 && port.hostPort === group.last.hostPort + 1) group.last = port;
    else groups.push({ first: port, last: port });
  }
  const range = (a: number, b: number) => (a === b ? String(a) : `${a}-${b}`);
  const exposed: Array<{ first: number; last: number; protocol: string }> = [];
  for (const key of unpublishedPorts(v)) {
    const [port, protocol] = [parseInt(key, 10), key.split('/')[1]];
    const group = exposed.find((entry) => entry.protocol === protocol && entry.last + 1 === port);
    if (group) group.last = port;
    else exposed.push({ first: port, last: port, protocol });
  }
  return [
    ...groups.map(({ first, last }) => `${hostText(first)}:${range(first.hostPort, last.hostPort)}->${range(first.containerPort, last.containerPort)}/${first.protocol}`),
    ...exposed.map(({ first, last, protocol }) => `${range(first, last)}/${protocol}`),
  ].join(', ');
}
