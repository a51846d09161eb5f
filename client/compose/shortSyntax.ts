/**
 * Compose's short forms expanded to the long ones: ports (`[IP:][HOST:]CONTAINER[/PROTO]`,
 * ranges included), volumes (`[SOURCE:]TARGET[:MODE]`), byte sizes (`512m`). Pure.
 */
import path from 'node:path';
import { ComposeParseError } from './errors.js';
import type { ServicePort, ServiceVolume } from './model.js';

function range(text: string, where: string): [number, number] {
  const match = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!match) throw new ComposeParseError(`${where}: invalid port "${text}"`);
  const start = Number(match[1]);
  const end = match[2] === undefined ? start : Number(match[2]);
  if (start < 1 || end > 65535 || end < start) throw new ComposeParseError(`${where}: invalid port range "${text}"`);
  return [start, end];
}

/** One entry of `ports:` in its short form, as the long entries it stands for. */
export function parsePortShort(entry: string | number, where: string): ServicePort[] {
  const text = String(entry);
  const [spec, protocol = 'tcp'] = text.split('/');
  let hostIp: string | undefined;
  let rest = spec;
  // [::1]:8080:80 or an address before the two port parts
  const bracketed = /^\[([^\]]+)\]:(.*)$/.exec(rest);
  if (bracketed) { hostIp = bracketed[1]; rest = bracketed[2]; }
  const parts = rest.split(':');
  if (!bracketed && parts.length > 2) { hostIp = parts.slice(0, -2).join(':'); parts.splice(0, parts.length - 2); }
  const [start, end] = range(parts.at(-1)!, where);
  const published = parts.length === 2 && parts[0] !== '' ? parts[0] : undefined;
  const hostRange = published === undefined ? undefined : range(published, where);
  if (hostRange && hostRange[1] - hostRange[0] !== end - start && end !== start) {
    throw new ComposeParseError(`${where}: port ranges don't match in length`);
  }
  const ports: ServicePort[] = [];
  for (let port = start; port <= end; port++) {
    const offset = port - start;
    const publishedPort = hostRange === undefined ? undefined
      : end === start ? published : String(hostRange[0] + offset);
    ports.push({ target: port, ...(publishedPort !== undefined ? { published: publishedPort } : {}), ...(hostIp ? { host_ip: hostIp } : {}), protocol, mode: 'ingress' });
  }
  return ports;
}

const VOLUME_MODES = new Set(['ro', 'rw', 'z', 'Z', 'nocopy', 'private', 'rprivate', 'slave', 'rslave', 'shared', 'rshared', 'cached', 'delegated', 'consistent']);

/** Whether a volume's source is a host path (./x, ../x, /x, ~/x) rather than a volume's name. */
export function isHostPath(source: string): boolean {
  return source.startsWith('.') || source.startsWith('/') || source.startsWith('~');
}

/** A host path resolved against the project's directory (and ~ against HOME). */
export function resolveHostPath(source: string, workingDir: string, home: string | undefined): string {
  if (source === '~' || source.startsWith('~/')) return path.join(home ?? '/', source.slice(1));
  return path.resolve(workingDir, source);
}

/** One entry of `volumes:` in its short form. */
export function parseVolumeShort(entry: string, where: string, workingDir: string, home?: string): ServiceVolume {
  const parts = entry.split(':');
  if (parts.length > 3 || parts.some((part) => part === '')) throw new ComposeParseError(`${where}: invalid spec: ${entry}: too many colons`);
  if (parts.length === 1) return { type: 'volume', target: entry };
  const [source, target, modes = ''] = parts;
  const flags = modes ? modes.split(',') : [];
  for (const flag of flags) if (!VOLUME_MODES.has(flag)) throw new ComposeParseError(`${where}: invalid spec: ${entry}: unknown option ${flag}`);
  const readOnly = flags.includes('ro');
  if (isHostPath(source)) {
    const propagation = flags.find((flag) => /^r?(private|slave|shared)$/.test(flag));
    return {
      type: 'bind', source: resolveHostPath(source, workingDir, home), target, ...(readOnly ? { read_only: true } : {}),
      bind: { create_host_path: true, ...(propagation ? { propagation } : {}) },
    };
  }
  return { type: 'volume', source, target, ...(readOnly ? { read_only: true } : {}), ...(flags.includes('nocopy') ? { volume: { nocopy: true } } : {}) };
}

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3 };

/** A size as Compose writes it: 512m, 1g, 1024 (bytes). */
export function parseSize(value: string | number, where: string): number {
  if (typeof value === 'number') return value;
  const match = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(value.trim());
  const unit = match ? UNITS[match[2].toLowerCase()] : undefined;
  if (!match || unit === undefined) throw new ComposeParseError(`${where}: invalid size: '${value}'`);
  return Math.round(Number(match[1]) * unit);
}
