/**
 * The default seccomp filter: the syscalls Docker's default profile refuses to a container
 * (moby profiles/seccomp/default.json), written as a deny list for x86_64. A capability in the
 * container's set opens what it guards, as in Docker's profile. Pure; the shim builds the BPF.
 */
import { ValidationError } from '../../events/errors.js';
import type { Capability } from './capabilities.js';
import { SYSCALL_NUMBERS_X86_64 } from './syscallsX86_64.js';

/** x86_64 syscall numbers (asm/unistd_64.h). */
export const SYSCALLS_X86_64: Readonly<Record<string, number>> = SYSCALL_NUMBERS_X86_64;

const EPERM = 1;
const ENOSYS = 38;
/** CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET|NEWTIME */
export const CLONE_NAMESPACE_FLAGS = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000 | 0x00000080;
/** Socket families Docker's default profile refuses: AF_VSOCK (40), a way to the host or hypervisor that no network namespace fences. */
export const DENIED_SOCKET_FAMILIES = [40];
/** personality(2) values Docker allows: PER_LINUX, UNAME26, PER_LINUX32, PER_LINUX32|UNAME26, query. */
export const ALLOWED_PERSONALITIES = [0x0, 0x8, 0x20000, 0x20008, 0xffffffff];

/** Refused whatever the capabilities. */
const ALWAYS: readonly string[] = [
  'afs_syscall', 'create_module', 'get_kernel_syms', 'nfsservctl', 'query_module', 'tuxcall', 'security',
  'vserver', 'uselib', 'ustat', 'sysfs', '_sysctl', 'userfaultfd', 'keyctl', 'add_key', 'request_key',
  'io_uring_setup', 'io_uring_enter', 'io_uring_register',
];

/** Refused unless the container holds one of the capabilities. */
const GUARDED: ReadonlyArray<[readonly Capability[], readonly string[]]> = [
  [['SYS_ADMIN'], [
    'mount', 'umount2', 'unshare', 'setns', 'pivot_root', 'fsopen', 'fsconfig', 'fsmount', 'fspick', 'move_mount',
    'open_tree', 'mount_setattr', 'quotactl', 'quotactl_fd', 'lookup_dcookie', 'swapon', 'swapoff',
  ]],
  [['SYS_ADMIN', 'DAC_READ_SEARCH'], ['name_to_handle_at']],
  [['SYS_ADMIN', 'BPF'], ['bpf']],
  [['SYS_ADMIN', 'PERFMON'], ['perf_event_open']],
  [['SYS_BOOT'], ['reboot', 'kexec_load', 'kexec_file_load']],
  [['SYS_MODULE'], ['init_module', 'finit_module', 'delete_module']],
  [['SYS_TIME'], ['settimeofday', 'clock_settime', 'clock_adjtime']],
  [['SYS_PACCT'], ['acct']],
  [['SYS_RAWIO'], ['iopl', 'ioperm']],
  [['SYS_NICE'], ['mbind', 'get_mempolicy', 'set_mempolicy', 'set_mempolicy_home_node', 'move_pages']],
  [['SYS_PTRACE'], ['kcmp', 'process_vm_readv', 'process_vm_writev']],
  [['SYSLOG'], ['syslog']],
  [['SYS_TTY_CONFIG'], ['vhangup']],
  [['DAC_READ_SEARCH'], ['open_by_handle_at']],
];

/** One rule of the filter; `errno` is what the refused call returns. */
export type SeccompRule =
  | { kind: 'deny'; syscall: string; errno: number }
  | { kind: 'mask'; syscall: string; errno: number; arg: number; mask: number }
  | { kind: 'only'; syscall: string; errno: number; arg: number; values: number[] }
  | { kind: 'denyValues'; syscall: string; errno: number; arg: number; values: number[] };

/** The default profile's rules for a container holding `caps`. */
export function defaultSeccompRules(caps: readonly Capability[]): SeccompRule[] {
  const held = new Set(caps);
  const denied = new Set(ALWAYS);
  for (const [guards, syscalls] of GUARDED) {
    if (!guards.some((cap) => held.has(cap))) for (const name of syscalls) denied.add(name);
  }
  const rules: SeccompRule[] = [...denied].sort().map((syscall) => ({ kind: 'deny', syscall, errno: EPERM }));
  if (!held.has('SYS_ADMIN')) {
    rules.push({ kind: 'mask', syscall: 'clone', errno: EPERM, arg: 0, mask: CLONE_NAMESPACE_FLAGS });
    // glibc falls back to clone when clone3 is ENOSYS; clone3's flags are in memory a filter cannot read
    rules.push({ kind: 'deny', syscall: 'clone3', errno: ENOSYS });
  }
  rules.push({ kind: 'only', syscall: 'personality', errno: EPERM, arg: 0, values: ALLOWED_PERSONALITIES });
  rules.push({ kind: 'denyValues', syscall: 'socket', errno: EPERM, arg: 0, values: DENIED_SOCKET_FAMILIES });
  return rules;
}

/** The rules as the shim's spec lines: "deny E NR", "mask E NR ARG MASK", "only E NR ARG V1,V2", "denyeq E NR ARG V1,V2". */
export function encodeSeccompRules(rules: readonly SeccompRule[], arch: string = process.arch): string[] {
  if (rules.length > 0 && arch !== 'x64') {
    throw new ValidationError(`the default seccomp profile is built for x86_64 only (this is ${arch}); use --security-opt seccomp=unconfined`);
  }
  const seen = new Set<number>();
  return rules.map((rule) => {
    const nr = SYSCALLS_X86_64[rule.syscall];
    if (nr === undefined) throw new ValidationError(`seccomp: unknown syscall "${rule.syscall}"`);
    if (seen.has(nr)) throw new ValidationError(`seccomp: more than one rule for "${rule.syscall}"`);
    seen.add(nr);
    switch (rule.kind) {
      case 'deny': return `deny ${rule.errno} ${nr}`;
      case 'mask': return `mask ${rule.errno} ${nr} ${rule.arg} ${rule.mask >>> 0}`;
      case 'only': return `only ${rule.errno} ${nr} ${rule.arg} ${rule.values.map((v) => v >>> 0).join(',')}`;
      case 'denyValues': return `denyeq ${rule.errno} ${nr} ${rule.arg} ${rule.values.map((v) => v >>> 0).join(',')}`;
    }
  });
}
