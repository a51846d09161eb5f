/**
 * Compose's short forms expanded to the long ones: ports (`[IP:][HOST:]CONTAINER[/PROTO]`,
 * ranges included, read by `-p`'s parser), volumes (`[SOURCE:]TARGET[:MODE]`), byte sizes (`512m`). Pure.
 */
import path from 'node:path';
import { ComposeParseError } from './errors.js';
import type { ServicePort, ServiceVolume } from './model.js';
import { ValidationError } from '../../events/errors.js';
import type { PortRequest } from '../../events/ports.js';
import { parseExpose, parsePublish } from '../ports.js';

/**
 * One entry of `ports:` (its short form, or the long one as `publishSpec` spells it) as the
 * long entries it stands for, read by `berth run -p`'s parser so that both take the same values.
 */
export function parsePortShort(entry: string | number, where: string): ServicePort[] {
  const requests: PortRequest[] = atPath(where, () => parsePublish(String(entry)));
  return requests.map((request) => ({
    target: request.containerPort,
    ...(request.hostPort !== '' ? { published: request.hostPort } : {}),
    ...(request.hostIp !== '' ? { host_ip: request.hostIp } : {}),
    protocol: request.protocol, mode: 'ingress',
  }));
}

/** One entry of `expose:` (`PORT[/PROTO]`, PORT a number or a range), checked by `berth run --expose`'s parser; kept as written. */
export function exposeShort(entry: string | number, where: string): string {
  atPath(where, () => parseExpose(String(entry)));
  return String(entry);
}

/** `parse()`'s result; its refusal as a compose error naming the path. */
function atPath<T>(where: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof ValidationError) throw new ComposeParseError(`${where}: ${error.message}`, { cause: error });
    throw error;
  }
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
