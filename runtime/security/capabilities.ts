/** Linux capabilities by name, Docker's default set, and --cap-add/--cap-drop/--privileged. Pure. */
import { ValidationError } from '../../events/errors.js';

/** Capability numbers from linux/capability.h, in order. */
export const CAPABILITIES = [
  'CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'SETPCAP',
  'LINUX_IMMUTABLE', 'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_ADMIN', 'NET_RAW', 'IPC_LOCK', 'IPC_OWNER',
  'SYS_MODULE', 'SYS_RAWIO', 'SYS_CHROOT', 'SYS_PTRACE', 'SYS_PACCT', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_NICE',
  'SYS_RESOURCE', 'SYS_TIME', 'SYS_TTY_CONFIG', 'MKNOD', 'LEASE', 'AUDIT_WRITE', 'AUDIT_CONTROL', 'SETFCAP',
  'MAC_OVERRIDE', 'MAC_ADMIN', 'SYSLOG', 'WAKE_ALARM', 'BLOCK_SUSPEND', 'AUDIT_READ', 'PERFMON', 'BPF',
  'CHECKPOINT_RESTORE',
] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** Docker's default set (moby oci/caps/defaults.go). */
export const DEFAULT_CAPABILITIES: readonly Capability[] = [
  'CHOWN', 'DAC_OVERRIDE', 'FSETID', 'FOWNER', 'MKNOD', 'NET_RAW', 'SETGID', 'SETUID', 'SETFCAP', 'SETPCAP',
  'NET_BIND_SERVICE', 'SYS_CHROOT', 'KILL', 'AUDIT_WRITE',
];

/** "cap_sys_admin", "SYS_ADMIN", "CAP_SYS_ADMIN" -> "SYS_ADMIN"; "ALL" stays "ALL". */
export function normalizeCapability(name: string): Capability | 'ALL' {
  const upper = name.trim().toUpperCase();
  if (upper === 'ALL') return 'ALL';
  const bare = upper.startsWith('CAP_') ? upper.slice(4) : upper;
  if (!(CAPABILITIES as readonly string[]).includes(bare)) throw new ValidationError(`unknown capability: "${name}"`);
  return bare as Capability;
}

export interface CapabilityOptions {
  capAdd?: string[];
  capDrop?: string[];
  privileged?: boolean;
}

/**
 * The set as Docker computes it: privileged is all; add ALL is all but the drops; drop ALL is
 * only the adds; otherwise the defaults, minus the drops, plus the adds.
 */
export function resolveCapabilities(opts: CapabilityOptions): Capability[] {
  if (opts.privileged) return [...CAPABILITIES];
  const add = (opts.capAdd ?? []).map(normalizeCapability);
  const drop = (opts.capDrop ?? []).map(normalizeCapability);
  let set: Set<Capability>;
  if (add.includes('ALL')) set = new Set(CAPABILITIES.filter((cap) => !drop.includes(cap)));
  else if (drop.includes('ALL')) set = new Set(add as Capability[]);
  else {
    set = new Set(DEFAULT_CAPABILITIES.filter((cap) => !drop.includes(cap)));
    for (const cap of add as Capability[]) set.add(cap);
  }
  return CAPABILITIES.filter((cap) => set.has(cap));
}

/** The set as the shim's bit mask (bit n = capability number n), in hex. */
export function capabilityMask(caps: readonly Capability[]): string {
  let mask = 0n;
  for (const cap of caps) mask |= 1n << BigInt(CAPABILITIES.indexOf(cap));
  return `0x${mask.toString(16)}`;
}
