/**
 * The spec Node hands to berth-shim on fd 3.
 *
 * Wire format: a flat sequence of NUL-terminated strings `key\0value\0`.
 * Array fields are repeated once per element, in order. Node then ends its
 * write side; the shim reads until EOF.
 */
import { addSecurityPair, SECURITY_KEYS, securityPairs, type SecuritySpec } from './securitySpec.js';
import { ValidationError } from '../../events/errors.js';
import type { SpecKey } from './shimProtocol.js';

export interface ShimSpec {
  /** container id, 64 hex chars */
  id: string;
  /** absolute overlay lower dirs, top-most first */
  lowerDirs: string[];
  upperDir: string;
  workDir: string;
  mergedDir: string;
  /** argv; args[0] without '/' is searched in PATH from env */
  args: string[];
  /** KEY=VALUE, the complete environment */
  env: string[];
  /** inside the container, default "/"; created if missing */
  cwd: string;
  hostname: string;
  /** absolute cgroup.procs files the container pid is written into before it runs */
  cgroupProcs: string[];
  /** JSON-lines log {"stream","time","log"}, appended */
  logPath: string;
  /** Rotate the log once it would pass this many bytes (runtime/native/logfile.c); absent: never. */
  logMaxSize?: number;
  /** Log files kept with rotation, the current one included (ctr.log, ctr.log.1, ...); default 1. */
  logMaxFiles?: number;
  /** Rotated files are gzipped: ctr.log.1.gz, ... (the local driver). */
  logCompress?: boolean;
  /** A JSON object every record carries as "attrs" (json-file's labels/env options; events/logAttributes.ts). */
  logAttrs?: string;
  /** journald's socket: each line also goes there, with `journalFields` (runtime/native/journal.c). */
  journalSocket?: string;
  /** KEY=value fields sent with every line (CONTAINER_NAME, CONTAINER_ID, ...). */
  journalFields?: string[];
  /** {"exitCode":N,"signal":S|null,"time":"..."} written atomically on exit */
  exitPath: string;
  /** "<containerPid> <shimPid>\n" written atomically once started */
  pidPath: string;
  /** capabilities, seccomp, user, rlimits, masked paths... (securitySpec.ts); absent: none applied */
  security?: SecuritySpec;
  /** volumes, binds and tmpfs (runtime/volumes/shimMounts.ts): "type\x1fsource\x1fdestination\x1foptions" each */
  mounts?: string[];
  /** The container's stdin is a pipe fed through the attach socket (`run -i`); else /dev/null. */
  stdin?: boolean;
  /** A pty: the init gets the slave as stdin/stdout/stderr and controlling terminal (`run -t`). */
  tty?: boolean;
  /** The attach socket the shim serves (runtime/native/sock.c; Layout.shimSocket). */
  sockPath?: string;
  /** One veth each (runtime/native/netsetup.c; runtime/network/shimEntries.ts), set up before the process runs. */
  networks?: string[];
  /** --network container:X: the netns file the container joins instead of a new one. */
  joinNetns?: string;
  /** --userns-remap: the user namespace's uid_map and gid_map ("inside outside count" lines), written by the shim (runtime/native/userns.c). */
  uidMap?: string;
  gidMap?: string;
}

/** The wire keys are the field names, each declared in shimProtocol.ts (the C side is generated from there). */
type Declared<K extends keyof ShimSpec> = K extends SpecKey ? K : never;
const SCALARS = ['id', 'upperDir', 'workDir', 'mergedDir', 'cwd', 'hostname', 'logPath', 'exitPath', 'pidPath'] as const satisfies ReadonlyArray<Declared<keyof ShimSpec>>;
const ARRAYS = ['lowerDirs', 'args', 'env', 'cgroupProcs'] as const satisfies ReadonlyArray<Declared<keyof ShimSpec>>;
/** field order on the wire (arrays keep element order) */
const ORDER: ReadonlyArray<keyof ShimSpec> = [
  'id', 'lowerDirs', 'upperDir', 'workDir', 'mergedDir', 'args', 'env', 'cwd', 'hostname',
  'cgroupProcs', 'logPath', 'exitPath', 'pidPath',
];

function checkString(key: string, v: unknown): string {
  if (typeof v !== 'string') throw new TypeError(`ShimSpec.${key} must be a string`);
  if (v.includes('\0')) throw new TypeError(`ShimSpec.${key} must not contain NUL bytes`);
  return v;
}

/** Encode a spec into the shim's `key\0value\0` wire format. Throws TypeError on invalid input. */
export function encodeShimSpec(spec: ShimSpec): Buffer {
  const parts: string[] = [];
  for (const key of ORDER) {
    const value = spec[key] as unknown;
    if ((ARRAYS as readonly string[]).includes(key)) {
      if (!Array.isArray(value)) throw new TypeError(`ShimSpec.${key} must be an array of strings`);
      for (const el of value) parts.push(key, checkString(`${key}[]`, el));
    } else if ((SCALARS as readonly string[]).includes(key)) {
      parts.push(key, checkString(key, value ?? (key === 'cwd' ? '/' : '')));
    }
  }
  for (const [key, value] of securityPairs(spec.security)) parts.push(key, checkString(`security.${key}`, value));
  for (const mount of spec.mounts ?? []) parts.push('mounts', checkString('mounts[]', mount));
  if (spec.stdin) parts.push('stdin', '1');
  if (spec.tty) parts.push('tty', '1');
  if (spec.logCompress) parts.push('logCompress', '1');
  if (spec.logAttrs !== undefined) parts.push('logAttrs', checkString('logAttrs', spec.logAttrs));
  if (spec.journalSocket !== undefined) parts.push('journalSocket', checkString('journalSocket', spec.journalSocket));
  for (const field of spec.journalFields ?? []) parts.push('journalFields', checkString('journalFields[]', field));
  if (spec.sockPath !== undefined) parts.push('sockPath', checkString('sockPath', spec.sockPath));
  for (const entry of spec.networks ?? []) parts.push('networks', checkString('networks[]', entry));
  if (spec.joinNetns !== undefined) parts.push('joinNetns', checkString('joinNetns', spec.joinNetns));
  for (const key of ['uidMap', 'gidMap'] as const) if (spec[key] !== undefined) parts.push(key, checkString(key, spec[key]));
  for (const key of ['logMaxSize', 'logMaxFiles'] as const) {
    const value = spec[key];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 1) throw new TypeError(`ShimSpec.${key} must be a positive integer`);
    parts.push(key, String(value));
  }
  if (spec.args.length === 0) throw new TypeError('ShimSpec.args must not be empty');
  if (spec.lowerDirs.length === 0) throw new TypeError('ShimSpec.lowerDirs must not be empty');
  return Buffer.from(parts.map((p) => p + '\0').join(''), 'utf8');
}

/** Inverse of encodeShimSpec (for tests and debugging). */
export function decodeShimSpec(buf: Buffer): ShimSpec {
  const strs = buf.toString('utf8').split('\0');
  if (strs.pop() !== '') throw new ValidationError('spec is not NUL-terminated');
  if (strs.length % 2) throw new ValidationError('spec has a key without a value');
  const out: Record<string, string | string[]> = {};
  for (const k of ARRAYS) out[k] = [];
  for (let i = 0; i < strs.length; i += 2) {
    const k = strs[i];
    const v = strs[i + 1];
    if ((ARRAYS as readonly string[]).includes(k)) (out[k] as string[]).push(v);
    else if ((SCALARS as readonly string[]).includes(k)) out[k] = v;
    else if (k === 'mounts') ((out.mounts ??= []) as string[]).push(v);
    else if (k === 'sockPath') out.sockPath = v;
    else if (k === 'networks') ((out.networks ??= []) as string[]).push(v);
    else if (k === 'joinNetns' || k === 'uidMap' || k === 'gidMap') out[k] = v;
    else if (k === 'logMaxSize' || k === 'logMaxFiles') (out as Record<string, unknown>)[k] = Number(v);
    else if (k === 'stdin' || k === 'tty' || k === 'logCompress') (out as Record<string, unknown>)[k] = v === '1';
    else if (k === 'journalSocket' || k === 'logAttrs') out[k] = v;
    else if (k === 'journalFields') ((out.journalFields ??= []) as string[]).push(v);
    else if (SECURITY_KEYS.has(k)) addSecurityPair(((out as Record<string, unknown>).security ??= {}) as SecuritySpec, k, v);
    else throw new ValidationError(`unknown spec key ${JSON.stringify(k)}`);
  }
  return out as unknown as ShimSpec;
}
