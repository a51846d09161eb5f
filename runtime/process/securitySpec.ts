/**
 * The security part of the shim's spec (runtime/native/security.h reads it), shared by a
 * container's start and by exec. Wire keys are the field names; arrays repeat the key. The keys
 * are declared in shimProtocol.ts, with the C side generated from there.
 */
import { SECURITY_FLAG_KEYS, SECURITY_LIST_KEYS, SECURITY_STRING_KEYS, type SpecKey } from './shimProtocol.js';

export interface SecuritySpec {
  /** Bit mask of capability numbers ("0x..."): the bounding set, and effective/permitted for uid 0. Absent: unchanged. */
  capabilities?: string;
  noNewPrivileges?: boolean;
  /** name|uid[:group|gid]; absent: root */
  user?: string;
  /** seccomp rules as encodeSeccompRules writes them; none: no filter */
  seccomp?: string[];
  /** a whole compiled program, "CODE JT JF K" per instruction (encodeBpf), used instead of the rules */
  seccompBpf?: string[];
  /** "RESOURCE SOFT HARD" */
  rlimit?: string[];
  /** covered by /dev/null (files) or an empty read-only tmpfs (dirs) */
  maskedPath?: string[];
  /** remounted read-only */
  readonlyPath?: string[];
  readonlyRootfs?: boolean;
  /** HOME from the user's /etc/passwd entry when the env has none, as Docker sets it */
  defaultHome?: boolean;
  network?: 'none' | 'host';
  cgroupns?: 'private' | 'host';
}

const FLAGS = SECURITY_FLAG_KEYS satisfies ReadonlyArray<keyof SecuritySpec>;
const STRINGS = SECURITY_STRING_KEYS satisfies ReadonlyArray<keyof SecuritySpec>;
const LISTS = SECURITY_LIST_KEYS satisfies ReadonlyArray<keyof SecuritySpec>;
/** Every wire key of the security part. */
export const SECURITY_KEYS: ReadonlySet<string> = new Set([...FLAGS, ...STRINGS, ...LISTS]);

/** The key/value pairs of a security spec, in a fixed order. */
export function securityPairs(sec: SecuritySpec | undefined): Array<[SpecKey, string]> {
  if (!sec) return [];
  const pairs: Array<[SpecKey, string]> = [];
  for (const key of STRINGS) if (sec[key] !== undefined) pairs.push([key, sec[key]!]);
  for (const key of FLAGS) if (sec[key] !== undefined) pairs.push([key, sec[key] ? '1' : '0']);
  for (const key of LISTS) for (const value of sec[key] ?? []) pairs.push([key, value]);
  return pairs;
}

/** Folds one decoded pair into a security spec (for tests and debugging). */
export function addSecurityPair(sec: SecuritySpec, key: string, value: string): void {
  if ((FLAGS as readonly string[]).includes(key)) (sec as Record<string, unknown>)[key] = value === '1';
  else if ((LISTS as readonly string[]).includes(key)) ((sec as Record<string, string[]>)[key] ??= []).push(value);
  else (sec as Record<string, unknown>)[key] = value;
}
