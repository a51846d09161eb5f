import t from 'tap';
import { decodeShimSpec, encodeShimSpec, type ShimSpec } from './shimSpec.js';
import { encodeExecSpec } from './exec.js';
import { securityPairs } from './securitySpec.js';
import { securitySpec } from '../security/profile.js';

const base: ShimSpec = {
  id: 'f'.repeat(64), lowerDirs: ['/l'], upperDir: '/u', workDir: '/w', mergedDir: '/m', args: ['true'], env: [],
  cwd: '/', hostname: 'h', cgroupProcs: [], logPath: '/log', exitPath: '/exit', pidPath: '/pid',
};

t.test('the security part round-trips through the wire format', async (t) => {
  const security = securitySpec({ user: 'app:staff', readOnly: true, noNewPrivileges: true, ulimits: [{ name: 'nofile', soft: 10, hard: 20 }], network: 'host' });
  t.same(decodeShimSpec(encodeShimSpec({ ...base, security })), { ...base, security });
  t.same(decodeShimSpec(encodeShimSpec(base)), base, 'no security: no keys');
  const profiled = securitySpec({ seccompProfile: { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO' }] } }, { arch: 'amd64', kernel: '6.1' });
  t.same(profiled.seccomp, [], 'a profile replaces the default rules');
  t.equal(profiled.seccompBpf?.length, 9, 'with its compiled program');
  t.same(decodeShimSpec(encodeShimSpec({ ...base, security: profiled })).security?.seccompBpf, profiled.seccompBpf, 'the program round-trips');
});

t.test('Docker\'s defaults', async (t) => {
  const spec = securitySpec();
  t.equal(spec.capabilities, '0xa80425fb');
  t.ok(spec.seccomp!.length > 40, 'a seccomp filter');
  t.ok(spec.maskedPath!.includes('/proc/kcore') && spec.readonlyPath!.includes('/proc/sysrq-trigger'));
  t.equal(spec.network, 'none');
  t.equal(spec.cgroupns, 'private');
  const privileged = securitySpec({ privileged: true });
  t.same([privileged.seccomp, privileged.maskedPath, privileged.readonlyPath], [[], [], []], 'privileged: none of them');
  t.same(securitySpec({ seccomp: 'unconfined' }).seccomp, [], 'seccomp=unconfined');
  t.same(securityPairs({ noNewPrivileges: true, rlimit: ['7 1 2'] }), [['noNewPrivileges', '1'], ['rlimit', '7 1 2']]);
});

t.test('the exec spec names the init to join', async (t) => {
  const buf = encodeExecSpec({ pid: 42, args: ['sh', '-c', 'x'], env: ['A=1'], cwd: '', cgroupProcs: ['/c/cgroup.procs'], security: { user: 'app' } });
  t.equal(buf.toString('utf8'), 'execPid\x0042\x00args\x00sh\x00args\x00-c\x00args\x00x\x00env\x00A=1\x00cwd\x00/\x00cgroupProcs\x00/c/cgroup.procs\x00user\x00app\x00');
  t.throws(() => encodeExecSpec({ pid: 1, args: [], env: [], cwd: '/', cgroupProcs: [], security: {} }), /args/);
});
