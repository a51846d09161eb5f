/**
 * The shim protocol, declared once: every key of the spec Node writes on the shim's fd 3
 * (shimSpec.ts, securitySpec.ts, execSpec) and every step name the shim or the container's
 * init reports a failure under. The C side does not spell these: `npm run build` generates
 * dist/native/gen/shim_protocol.h from this file (scripts/shim-protocol-header.mjs, run by
 * runtime/native/Makefile), with one macro per key (SPEC_KEY_LOWER_DIRS "lowerDirs") and per
 * step (STEP_MOUNT_OVERLAY "mount-overlay"). A key or step the C uses and this file lacks does
 * not compile.
 */

/** Keys of a container's spec (ShimSpec), arrays repeated once per element. */
export const CONTAINER_KEYS = [
  'id', 'lowerDirs', 'upperDir', 'workDir', 'mergedDir', 'args', 'env', 'cwd', 'hostname', 'cgroupProcs',
  'logPath', 'logMaxSize', 'logMaxFiles', 'exitPath', 'pidPath', 'mounts', 'stdin', 'tty', 'sockPath',
  'networks', 'joinNetns', 'uidMap', 'gidMap', 'logCompress', 'journalSocket', 'journalFields',
  'logAttrs',
] as const;

/** The exec-mode key: the pid of the container init an exec joins. */
export const EXEC_KEYS = ['execPid'] as const;

/** Keys of the security part (SecuritySpec), shared by a container's start and by exec. */
export const SECURITY_FLAG_KEYS = ['noNewPrivileges', 'readonlyRootfs', 'defaultHome'] as const;
export const SECURITY_STRING_KEYS = ['capabilities', 'user', 'network', 'cgroupns'] as const;
export const SECURITY_LIST_KEYS = ['seccomp', 'seccompBpf', 'rlimit', 'maskedPath', 'readonlyPath'] as const;

export const SPEC_KEYS = [...CONTAINER_KEYS, ...EXEC_KEYS, ...SECURITY_FLAG_KEYS, ...SECURITY_STRING_KEYS, ...SECURITY_LIST_KEYS] as const;
export type SpecKey = (typeof SPEC_KEYS)[number];

/** Steps that run in the shim itself: a failure there reads "shim: STEP: …". */
export const SHIM_STEPS = [
  'spec', 'shim', 'open-log', 'pipes', 'sync', 'clone', 'cgroup', 'pid-file', 'pty', 'attach-socket', 'userns', 'sealed-copy',
] as const;

/** Steps of the container's init (and of an exec's or a rootfs's setup): "init: STEP: …". */
export const INIT_STEPS = [
  'init', 'mount-overlay', 'mount-private', 'mount-proc', 'mount-sys', 'mount-dev', 'mount-devpts', 'mount-shm',
  'mount-mqueue', 'loopback', 'mknod', 'dev-symlinks', 'pivot-root', 'setsid', 'cgroupns', 'sethostname',
  'chdir', 'stdio', 'stdin', 'tty', 'mount-volumes', 'masked-paths', 'readonly-paths', 'readonly-rootfs',
  'user', 'rlimit', 'capabilities', 'no-new-privs', 'seccomp', 'namespaces', 'setns', 'fork', 'unshare',
  'private', 'mount', 'exec',
] as const;

export type Step = (typeof SHIM_STEPS)[number] | (typeof INIT_STEPS)[number];
