/**
 * Gates: what a test needs from this machine, checked before it runs.
 *
 * A gate is a tap options object, `{ skip: false }` when the prerequisite is here and
 * `{ skip: 'needs root: …' }` when it is not, so a missing prerequisite shows as a skip with
 * its reason:
 *
 *     t.test('pivot_root into an overlay', requiresRoot(), async (t) => { … });
 *     t.test('a v2 device filter', requires(requiresRoot(), requiresCgroupV2()), async (t) => { … });
 *     t.test('slow', { ...requiresRoot(), timeout: 120_000 }, async (t) => { … });
 *
 * A file whose every test needs the same things gates itself once, after its imports; when a
 * prerequisite is missing, the whole file is one skip with the reason:
 *
 *     gateFile(requiresEngine());
 *
 * Under CI (`CI=true`) a missing prerequisite is not a skip: the gate throws, the file fails,
 * and so the run fails ("a missing prerequisite fails the run; it is never a silent skip").
 * The cgroup version gates are the exception: a machine has one layout, so a v2 test on a v1
 * host (and the reverse) skips even under CI; .ci/run counts and lists those skips.
 */
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { detectCgroupMode } from '../../runtime/cgroups/detect.js';

/** Tap options: run, or skip with the reason. */
export interface Gate {
  skip: string | false;
}

export class MissingPrerequisiteError extends Error {
  override name = 'MissingPrerequisiteError';
}

const underCi = () => process.env.CI === 'true';
const CGROUP_ROOT = '/sys/fs/cgroup';
const NATIVE = fileURLToPath(new URL('../../native/', import.meta.url));

/** A gate from "what is missing" (false when nothing is); throws under CI unless the skip is legitimate there. */
function gate(missing: string | false, opts: { skipsUnderCi?: boolean } = {}): Gate {
  if (missing && underCi() && !opts.skipsUnderCi) {
    throw new MissingPrerequisiteError(`missing prerequisite under CI: ${missing}`);
  }
  return { skip: missing };
}

function onPath(program: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try { accessSync(join(dir, program), constants.X_OK); return true; } catch { return false; }
  });
}

const program = (name: string, install: string) => gate(!onPath(name) && `needs ${name} on the PATH (${install})`);

/** The first gate that skips, or a gate that runs. */
export function requires(...gates: Gate[]): Gate {
  return gates.find((g) => g.skip) ?? { skip: false };
}

export const requiresRoot = (): Gate => gate(process.getuid?.() !== 0 && 'needs root (namespaces, mounts, cgroups)');

export const requiresNats = (): Gate => program('nats-server', 'apt-get install nats-server');

export const requiresCgroupV1 = (): Gate =>
  gate(detectCgroupMode(CGROUP_ROOT) !== 'v1' && 'needs cgroup v1 (this host is cgroup v2)', { skipsUnderCi: true });

/** This machine's cgroup2 hierarchy: the hybrid mount at /sys/fs/cgroup/unified, or /sys/fs/cgroup on a v2 host. */
export function cgroupV2Mount(): string {
  const unified = join(CGROUP_ROOT, 'unified');
  return existsSync(join(unified, 'cgroup.procs')) || detectCgroupMode(CGROUP_ROOT) !== 'v2' ? unified : CGROUP_ROOT;
}

/** A cgroup2 hierarchy at cgroupV2Mount(). */
export const requiresCgroupV2 = (): Gate =>
  gate(!existsSync(join(cgroupV2Mount(), 'cgroup.procs')) &&
    'needs a cgroup2 mount (none at /sys/fs/cgroup or /sys/fs/cgroup/unified)', { skipsUnderCi: true });

/** dist/native/berth-shim and friends, built by `npm run build` (make -C runtime/native). */
export const requiresNativeBinaries = (): Gate =>
  gate(!existsSync(join(NATIVE, 'berth-shim')) && `needs the native binaries (${NATIVE}berth-shim): run npm run build`);

export const requiresCompiler = (): Gate => program('cc', 'apt-get install gcc libc6-dev');

export const requiresBusybox = (): Gate =>
  gate(!existsSync(process.env.BUSYBOX ?? '/bin/busybox') && 'needs a static /bin/busybox (apt-get install busybox-static)');

/** docker-registry, skopeo and htpasswd, for tests against a real registry. */
export const requiresRegistry = (): Gate =>
  requires(program('docker-registry', 'apt-get install docker-registry'), program('skopeo', 'apt-get install skopeo'),
    program('htpasswd', 'apt-get install apache2-utils'));

/** A whole engine (test/helpers/engine.ts): root, nats-server, the native binaries and busybox for the test image. */
export const requiresEngine = (): Gate => requires(requiresRoot(), requiresNats(), requiresNativeBinaries(), requiresBusybox());

/** A cluster of engines in network namespaces (test/helpers/cluster.ts): an engine, ip, nsenter and openssl. */
export const requiresCluster = (): Gate => requires(requiresEngine(), program('ip', 'apt-get install iproute2'),
  program('nsenter', 'apt-get install util-linux'), program('openssl', 'apt-get install openssl'));

/** The kernel's x86_64 syscall numbers, from linux-libc-dev. */
export const KERNEL_SYSCALL_HEADER = '/usr/include/x86_64-linux-gnu/asm/unistd_64.h';
export const requiresKernelHeaders = (): Gate =>
  gate(!existsSync(KERNEL_SYSCALL_HEADER) && `needs ${KERNEL_SYSCALL_HEADER} (apt-get install linux-libc-dev)`);

/** Any other program on the PATH (openssl, ip, nsenter…), with how to install it. */
export const requiresProgram = (name: string, install: string): Gate => program(name, install);

/**
 * Skips the whole file when a gate skips: the file reports one skip with the reason and ends
 * here, before any of its tests is declared. Call it at the top of the file, after the imports.
 */
export function gateFile(...gates: Gate[]): void {
  const { skip } = requires(...gates);
  if (!skip) return;
  t.plan(0, skip);
  process.exit(0);
}
