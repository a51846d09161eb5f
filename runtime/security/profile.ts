/**
 * A container's security options (events/hostConfig.ts) as the shim applies them, with Docker's
 * defaults: its capability set, its seccomp profile, its masked and read-only paths, a private
 * cgroup namespace and a private network namespace. Pure, but for the host's arch and kernel
 * release by default (a seccomp profile's includes and excludes look at them).
 */
import os from 'node:os';
import type { SecurityOptions } from '../../events/hostConfig.js';
import type { SecuritySpec } from '../process/securitySpec.js';
import { capabilityMask, resolveCapabilities } from './capabilities.js';
import { defaultSeccompRules, encodeSeccompRules } from './seccomp.js';
import { compileSeccompProfile, encodeBpf } from './seccompProfile.js';
import { encodeUlimit } from './ulimit.js';

/** Hidden from the container (moby oci/defaults.go). */
export const MASKED_PATHS: readonly string[] = [
  '/proc/asound', '/proc/acpi', '/proc/interrupts', '/proc/kcore', '/proc/keys', '/proc/latency_stats',
  '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware',
  '/sys/devices/virtual/powercap',
];

/** Read-only in the container. */
export const READONLY_PATHS: readonly string[] = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

/** Where a seccomp profile is compiled for: Node's arch as Go names it (amd64), the kernel release. */
export interface HostFacts { arch: string; kernel: string }
const hostFacts = (): HostFacts => ({ arch: process.arch === 'x64' ? 'amd64' : process.arch, kernel: os.release() });

export function securitySpec(options: SecurityOptions = {}, host: HostFacts = hostFacts()): SecuritySpec {
  const privileged = options.privileged ?? false;
  const caps = resolveCapabilities(options);
  const confined = !privileged && options.seccomp !== 'unconfined';
  const profile = confined ? options.seccompProfile : undefined;
  return {
    capabilities: capabilityMask(caps),
    noNewPrivileges: options.noNewPrivileges ?? false,
    user: options.user || undefined,
    seccomp: confined && !profile ? encodeSeccompRules(defaultSeccompRules(caps)) : [],
    ...(profile ? { seccompBpf: encodeBpf(compileSeccompProfile(profile, { caps, ...host })) } : {}),
    rlimit: (options.ulimits ?? []).map(encodeUlimit),
    maskedPath: privileged ? [] : [...MASKED_PATHS],
    readonlyPath: privileged ? [] : [...READONLY_PATHS],
    readonlyRootfs: options.readOnly ?? false,
    defaultHome: true,
    network: options.network ?? 'none',
    cgroupns: 'private',
  };
}
