/**
 * `-p`/`--publish` as Docker reads it (go-connections' nat.ParsePortSpec): `[[IP:][HOST]:]CTR[/PROTO]`,
 * where HOST and CTR may be ranges. A container range maps one to one onto a host range of the
 * same length; one container port with a host range takes a free port of the range. Pure.
 */
import { isIPv6 } from 'node:net';
import { ValidationError } from '../events/errors.js';
import type { PortProtocol, PortRequest } from '../events/ports.js';

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const PROTOCOLS = ['tcp', 'udp'];

/** 'N' or 'N-M' as [start, end], or null (Docker's nat.ParsePortRange; 0 only when `zero`). */
function parseRange(text: string, zero: boolean): [number, number] | null {
  const match = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!match) return null;
  const start = Number(match[1]);
  const end = match[2] === undefined ? start : Number(match[2]);
  if (end > 65535 || end < start || (start === 0 && !(zero && end === 0))) return null;
  return [start, end];
}

/** An IPv6 address in RFC 5952's form (`0::0` is `::`): the URL parser's, without its brackets. */
function canonicalIpv6(ip: string): string {
  return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
}

function validIp(ip: string): boolean {
  const match = IPV4.exec(ip);
  return match !== null && match.slice(1).every((byte) => Number(byte) <= 255);
}

/** A port as `-p`/`--publish` spells it, `[IP:][PUBLISHED]:TARGET/PROTOCOL`, for parsePublish (compose's long syntax, the Engine API's PortBindings). */
export function publishSpec(port: { target: number | string; published?: string | number; host_ip?: string; protocol?: string }): string {
  const hostIp = port.host_ip?.includes(':') ? `[${port.host_ip}]` : port.host_ip;
  const host = hostIp ? `${hostIp}:${port.published ?? ''}:` : port.published !== undefined && port.published !== '' ? `${port.published}:` : '';
  return `${host}${port.target}/${port.protocol ?? 'tcp'}`;
}

/** One -p value as the mappings it asks for. */
export function parsePublish(raw: string): PortRequest[] {
  // An IPv6 address in brackets ([::]:8080:80), as Docker writes it; a bare one is the text before the last two fields.
  const bracketed = /^\[([^\]]*)\]:(.*)$/.exec(raw);
  const parts = (bracketed ? bracketed[2] : raw).split(':');
  const containerPart = parts[parts.length - 1];
  const hostPort = parts.length >= 2 ? parts[parts.length - 2] : '';
  const ip = bracketed ? bracketed[1] : parts.length >= 3 ? parts.slice(0, -2).join(':') : '';
  const [portText, protoText] = containerPart.split('/', 2);
  const protocol = (protoText === undefined || protoText === '' ? 'tcp' : protoText.toLowerCase());
  if (ip !== '' && !validIp(ip) && !isIPv6(ip)) throw new ValidationError(`invalid IP address: ${ip}`);
  if (portText === '') throw new ValidationError(`no port specified: ${raw}<empty>`);
  const container = parseRange(portText, false);
  if (!container) throw new ValidationError(`invalid containerPort: ${portText}`);
  const host = hostPort === '' ? null : parseRange(hostPort, true);
  if (hostPort !== '' && !host) throw new ValidationError(`invalid hostPort: ${hostPort}`);
  const containerCount = container[1] - container[0];
  if (host && containerCount !== host[1] - host[0] && containerCount !== 0) {
    throw new ValidationError(`invalid ranges specified for container and host Ports: ${portText} and ${hostPort}`);
  }
  if (!PROTOCOLS.includes(protocol)) throw new ValidationError(`invalid proto: ${protocol}`);
  const hostIp = ip === '0.0.0.0' ? '' : isIPv6(ip) ? canonicalIpv6(ip) : ip;
  const requests: PortRequest[] = [];
  for (let port = container[0]; port <= container[1]; port++) {
    let hostText = '';
    if (host && containerCount === 0) hostText = host[0] === 0 ? '' : hostPort;
    else if (host) hostText = String(host[0] + port - container[0]);
    requests.push({ containerPort: port, protocol: protocol as PortProtocol, hostIp, hostPort: hostText });
  }
  return requests;
}

/**
 * One --expose value (`PORT[/PROTO]`, PORT a number or a range) as the ports it exposes,
 * '80/tcp' (Docker's runconfig: a ':' is refused, a range is expanded).
 */
export function parseExpose(raw: string): string[] {
  if (raw.includes(':')) throw new ValidationError(`invalid port format for --expose: ${raw}`);
  const [portText, protoText] = raw.split('/', 2);
  const protocol = protoText === undefined || protoText === '' ? 'tcp' : protoText.toLowerCase();
  const range = parseRange(portText, false);
  if (!range) throw new ValidationError(`invalid range format for --expose: ${raw}`);
  if (!PROTOCOLS.includes(protocol)) throw new ValidationError(`invalid proto: ${protocol}`);
  return Array.from({ length: range[1] - range[0] + 1 }, (_, i) => `${range[0] + i}/${protocol}`);
}

/** Every --expose value, in order, each port once. */
export function parseExposeFlags(values: string[]): string[] {
  return [...new Set(values.flatMap(parseExpose))];
}

/** Every -p value, in order; a container port given twice with the same host side counts once. */
export function parsePublishFlags(values: string[]): PortRequest[] {
  const seen = new Set<string>();
  return values.flatMap(parsePublish).filter((request) => {
    const key = JSON.stringify(request);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
