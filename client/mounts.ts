/**
 * The mount flags of `run`, parsed exactly as Docker parses them, with Docker's error
 * messages: -v/--volume, --mount, --tmpfs and --volumes-from. The Engine API takes the same
 * strings (HostConfig.Binds, Tmpfs, VolumesFrom), so they are parsed here for both. Pure: the
 * checks that need the host's file system (does a bind source exist) are the daemon's.
 */
import path from 'node:path';
import { ValidationError } from '../events/errors.js';
import type { MountSpec, Propagation } from '../events/mount.js';
import { VOLUME_NAME } from '../events/volume.js';

const RW_MODES = new Set(['rw', 'ro']);
const LABEL_MODES = new Set(['z', 'Z']);
const PROPAGATIONS = new Set<string>(['private', 'rprivate', 'slave', 'rslave', 'shared', 'rshared']);
const COPY_MODES = new Set(['nocopy']);
const CONSISTENCY_MODES = new Set(['consistent', 'cached', 'delegated']);

const invalidSpec = (raw: string) => `invalid volume specification: '${raw}'`;
const mountConfig = (type: string, message: string) => `invalid mount config for type "${type}": ${message}`;

/** Docker's rule for the mode of -v: known words, each kind at most once. */
export function validMountMode(mode: string): boolean {
  if (mode === '') return true;
  const counts = [0, 0, 0, 0, 0];
  for (const word of mode.split(',')) {
    const kind = [RW_MODES, LABEL_MODES, PROPAGATIONS, COPY_MODES, CONSISTENCY_MODES].findIndex((set) => set.has(word));
    if (kind === -1) return false;
    counts[kind]!++;
  }
  return counts.every((n) => n <= 1);
}

/** A container path must be absolute and not the root; the result is clean. */
function checkDestination(type: string, destination: string): string {
  if (path.posix.normalize(destination) === '/' ) throw new ValidationError(mountConfig(type, "invalid specification: destination can't be '/'"));
  if (!destination.startsWith('/')) throw new ValidationError(mountConfig(type, `invalid mount path: '${destination}' mount path must be absolute`));
  return path.posix.normalize(destination).replace(/\/$/, '');
}

function checkVolumeName(name: string): void {
  if (!VOLUME_NAME.test(name)) {
    throw new ValidationError(`create ${name}: "${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`);
  }
}

/** `-v [SOURCE:]DESTINATION[:MODE]`. A source starting with `/` (or `./`, made absolute) is a bind. */
export function parseVolumeFlag(raw: string, cwd = process.cwd()): MountSpec {
  const parts = raw.split(':');
  if (parts[0] === '' || parts.length > 3) throw new ValidationError(invalidSpec(raw));
  let source = '';
  let destination: string;
  let mode = '';
  if (parts.length === 1) destination = parts[0]!;
  else if (parts.length === 2) {
    // DESTINATION:MODE is not a volume: a volume cannot have a mode without a source.
    if (validMountMode(parts[1]!)) throw new ValidationError(invalidSpec(raw));
    [source, destination] = parts as [string, string];
  } else [source, destination, mode] = parts as [string, string, string];
  if (!validMountMode(mode)) throw new ValidationError(`invalid mode: ${mode}`);
  if (source === '.' || source.startsWith('./')) source = path.resolve(cwd, source);
  const words = mode === '' ? [] : mode.split(',');
  const type = source.startsWith('/') ? 'bind' : 'volume';
  const fail = (message: string) => new ValidationError(`${invalidSpec(raw)}: ${mountConfig(type, message)}`);
  let clean: string;
  try {
    clean = checkDestination(type, destination);
  } catch (error) {
    throw new ValidationError(`${invalidSpec(raw)}: ${(error as Error).message}`);
  }
  const readOnly = words.includes('ro');
  const propagation = words.find((w) => PROPAGATIONS.has(w)) as Propagation | undefined;
  const noCopy = words.includes('nocopy');
  if (type === 'bind') {
    if (noCopy) throw fail('field VolumeOptions must not be specified');
    return { type, source: path.posix.normalize(source), destination: clean, readOnly, propagation, createSource: true };
  }
  if (propagation) throw fail('field BindOptions must not be specified');
  if (source === '' && readOnly) throw fail('must not set ReadOnly mode when using anonymous volumes');
  if (source !== '') checkVolumeName(source);
  return { type, source, destination: clean, readOnly, anonymous: source === '', noCopy: noCopy || undefined };
}

/** Splits one CSV record as Go's encoding/csv does for one line (quotes allowed). */
export function splitCsv(raw: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (quoted) {
      if (c === '"' && raw[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') { fields.push(field); field = ''; }
    else field += c;
  }
  if (quoted) throw new ValidationError(`invalid argument "${raw}" for "--mount" flag: parse error: extraneous or missing " in quoted-field`);
  fields.push(field);
  return fields;
}

function parseBool(text: string): boolean | null {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(text)) return false;
  return null;
}

/** Docker's RAMInBytes: 64m, 1g, 512k, 100 (bytes), 1.5g; binary units, any case, optional b/ib. */
export function parseRamBytes(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)\s*([kmgtp]?)(i?b)?$/i.exec(text);
  if (!match) return null;
  const unit = 1024 ** ' kmgtp'.indexOf((match[2] || ' ').toLowerCase());
  const bytes = Math.floor(Number(match[1]) * unit);
  return Number.isSafeInteger(bytes) ? bytes : null; // past 2^53 the recorded spec could not hold it
}

/** `--mount type=volume|bind|tmpfs,src=…,dst=…,readonly,volume-nocopy,bind-propagation=…,tmpfs-size=…,tmpfs-mode=…`. */
export function parseMountFlag(raw: string, cwd = process.cwd()): MountSpec {
  const flagError = (message: string) => new ValidationError(`invalid argument "${raw}" for "--mount" flag: ${message}`);
  let type = 'volume';
  let source = '';
  let target = '';
  let readOnly = false;
  let propagation: string | undefined;
  let noCopy: boolean | undefined;
  let tmpfsSize: number | undefined;
  let tmpfsMode: number | undefined;
  const used = { volume: false, bind: false, tmpfs: false };
  for (const field of splitCsv(raw)) {
    const eq = field.indexOf('=');
    const key = eq === -1 ? field : field.slice(0, eq);
    const value = eq === -1 ? '' : field.slice(eq + 1);
    if (eq === -1) {
      if (key === 'readonly' || key === 'ro') readOnly = true;
      else if (key === 'volume-nocopy') { noCopy = true; used.volume = true; }
      else if (key === 'bind-nonrecursive') used.bind = true;
      else throw flagError(`invalid field '${field}' must be a key=value pair`);
      continue;
    }
    switch (key) {
      case 'type': type = value.toLowerCase(); break;
      case 'source': case 'src':
        source = value === '.' || value.startsWith('./') ? path.resolve(cwd, value) : value;
        break;
      case 'target': case 'dst': case 'destination': target = value; break;
      case 'readonly': case 'ro': {
        const parsed = parseBool(value);
        if (parsed === null) throw flagError(`invalid value for ${key}: ${value}`);
        readOnly = parsed;
        break;
      }
      case 'consistency': break;
      case 'bind-propagation': propagation = value.toLowerCase(); used.bind = true; break;
      case 'bind-nonrecursive': used.bind = true; break;
      case 'volume-nocopy': {
        const parsed = parseBool(value);
        if (parsed === null) throw flagError(`invalid value for volume-nocopy: ${value}`);
        noCopy = parsed;
        used.volume = true;
        break;
      }
      case 'volume-label': case 'volume-driver': case 'volume-opt': used.volume = true; break;
      case 'tmpfs-size': {
        const bytes = parseRamBytes(value);
        if (bytes === null) throw flagError(`invalid value for ${key}: ${value}`);
        tmpfsSize = bytes;
        used.tmpfs = true;
        break;
      }
      case 'tmpfs-mode': {
        if (!/^[0-7]+$/.test(value) || Number.parseInt(value, 8) > 0o7777) throw flagError(`invalid value for ${key}: ${value}`);
        tmpfsMode = Number.parseInt(value, 8);
        used.tmpfs = true;
        break;
      }
      default:
        throw flagError(`unexpected key '${key}' in '${field}'`);
    }
  }
  if (type === '') throw flagError('type is required');
  if (target === '') throw flagError('target is required');
  for (const kind of ['volume', 'bind', 'tmpfs'] as const) {
    if (used[kind] && type !== kind) throw flagError(`cannot mix '${kind}-*' options with mount type '${type}'`);
  }
  if (type !== 'volume' && type !== 'bind' && type !== 'tmpfs') throw new ValidationError(mountConfig(type, 'mount type unknown'));
  const destination = checkDestination(type, target);
  if (type === 'bind') {
    if (source === '') throw new ValidationError(mountConfig(type, 'field Source must not be empty'));
    if (propagation !== undefined && !PROPAGATIONS.has(propagation)) throw new ValidationError(mountConfig(type, `invalid propagation mode: ${propagation}`));
    if (!source.startsWith('/')) throw new ValidationError(mountConfig(type, `invalid mount path: '${source}' mount path must be absolute`));
    return { type, source: path.posix.normalize(source), destination, readOnly, propagation: propagation as Propagation | undefined };
  }
  if (type === 'tmpfs') {
    if (source !== '') throw new ValidationError(mountConfig(type, 'field Source must not be specified'));
    return { type, source: '', destination, readOnly, tmpfsSize, tmpfsMode };
  }
  if (source === '' && readOnly) throw new ValidationError(mountConfig(type, 'must not set ReadOnly mode when using anonymous volumes'));
  if (source !== '') checkVolumeName(source);
  return { type: 'volume', source, destination, readOnly, anonymous: source === '', noCopy };
}

const TMPFS_FLAGS = new Set(['exec', 'noexec', 'nosuid', 'suid', 'nodev', 'dev']);

/** `--tmpfs DESTINATION[:OPTIONS]`, OPTIONS like `size=64m,mode=1770,exec`. Docker's defaults: noexec,nosuid,nodev. */
export function parseTmpfsFlag(raw: string): MountSpec {
  const colon = raw.indexOf(':');
  const target = colon === -1 ? raw : raw.slice(0, colon);
  const options = colon === -1 ? '' : raw.slice(colon + 1);
  const destination = checkDestination('tmpfs', target);
  const spec: MountSpec = { type: 'tmpfs', source: '', destination, readOnly: false, tmpfsFlags: ['noexec', 'nosuid', 'nodev'] };
  for (const option of options === '' ? [] : options.split(',')) {
    const eq = option.indexOf('=');
    const key = eq === -1 ? option : option.slice(0, eq);
    const value = option.slice(eq + 1);
    if (key === 'size' && eq !== -1) {
      const bytes = parseRamBytes(value);
      if (bytes === null) throw new ValidationError(`invalid tmpfs option "${option}" for ${target}: invalid size`);
      spec.tmpfsSize = bytes;
    } else if (key === 'mode' && eq !== -1) {
      if (!/^[0-7]{1,4}$/.test(value)) throw new ValidationError(`invalid tmpfs option "${option}" for ${target}: invalid mode`);
      spec.tmpfsMode = Number.parseInt(value, 8);
    } else if ((key === 'ro' || key === 'rw') && eq === -1) {
      spec.readOnly = key === 'ro';
    } else if (TMPFS_FLAGS.has(key) && eq === -1) {
      const opposite = key.startsWith('no') ? key.slice(2) : `no${key}`;
      spec.tmpfsFlags = [...spec.tmpfsFlags!.filter((f) => f !== opposite && f !== key), key as 'exec'];
    } else {
      throw new ValidationError(`invalid tmpfs option "${option}" for ${target}`);
    }
  }
  return spec;
}

/** `--volumes-from CONTAINER[:ro|rw]`; without a mode each mount keeps the source container's. */
export function parseVolumesFrom(raw: string): { container: string; mode: 'ro' | 'rw' | '' } {
  if (raw === '') throw new ValidationError('volumes-from specification cannot be an empty string');
  const colon = raw.indexOf(':');
  const container = colon === -1 ? raw : raw.slice(0, colon);
  const mode = colon === -1 ? '' : raw.slice(colon + 1);
  if (mode === '') return { container, mode: '' };
  if (!validMountMode(mode) || mode.split(',').some((w) => PROPAGATIONS.has(w) || COPY_MODES.has(w))) {
    throw new ValidationError(`invalid mode: ${mode}`);
  }
  return { container, mode: mode.split(',').includes('ro') ? 'ro' : 'rw' };
}

/** Every mount flag of one `run`, in Docker's order of precedence, with duplicates refused. */
export function parseMountFlags(flags: { volume?: string[]; mount?: string[]; tmpfs?: string[] }, cwd = process.cwd()): MountSpec[] {
  const mounts = [
    ...(flags.mount ?? []).map((raw) => parseMountFlag(raw, cwd)),
    ...(flags.volume ?? []).map((raw) => parseVolumeFlag(raw, cwd)),
    ...(flags.tmpfs ?? []).map(parseTmpfsFlag),
  ];
  const seen = new Set<string>();
  for (const mount of mounts) {
    if (seen.has(mount.destination)) throw new ValidationError(`Duplicate mount point: ${mount.destination}`);
    seen.add(mount.destination);
  }
  return mounts;
}
