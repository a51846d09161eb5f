import t from 'tap';
import { SeccompProfile } from '../../events/hostConfig.js';
import { DEFAULT_CAPABILITIES } from './capabilities.js';
import {
  AUDIT_ARCH_X86_64, BPF, compileSeccompProfile, DATA, encodeBpf, kernelAtLeast, RET, type BpfInstruction, type ProfileTarget,
} from './seccompProfile.js';
import { SYSCALL_NUMBERS_X86_64 as NR } from './syscallsX86_64.js';

/** Runs a program as the kernel would on one call: returns the filter's answer. */
function run(program: readonly BpfInstruction[], nr: number, args: bigint[] = [], arch = AUDIT_ARCH_X86_64): number {
  const word = (offset: number): number => {
    if (offset === DATA.NR) return nr >>> 0;
    if (offset === DATA.ARCH) return arch >>> 0;
    const i = (offset - DATA.ARGS) >> 3;
    const value = BigInt.asUintN(64, args[i] ?? 0n);
    return Number(offset % 8 === 0 ? value & 0xffffffffn : value >> 32n);
  };
  let a = 0;
  for (let pc = 0; pc < program.length;) {
    const { code, jt, jf, k } = program[pc];
    switch (code) {
      case BPF.LD_W_ABS: a = word(k); pc++; break;
      case BPF.ALU_AND_K: a = (a & k) >>> 0; pc++; break;
      case BPF.JA: pc += 1 + k; break;
      case BPF.JEQ_K: pc += 1 + (a === k ? jt : jf); break;
      case BPF.JGT_K: pc += 1 + (a > k ? jt : jf); break;
      case BPF.JGE_K: pc += 1 + (a >= k ? jt : jf); break;
      case BPF.JSET_K: pc += 1 + ((a & k) !== 0 ? jt : jf); break;
      case BPF.RET_K: return k;
      default: throw new Error(`unknown opcode ${code}`);
    }
  }
  throw new Error('fell off the end');
}

const target: ProfileTarget = { caps: DEFAULT_CAPABILITIES, arch: 'amd64', kernel: '6.1.0-18-amd64' };
const compile = (profile: unknown, over: Partial<ProfileTarget> = {}) => compileSeccompProfile(SeccompProfile.parse(profile), { ...target, ...over });
const ERRNO = (e: number) => (RET.ERRNO | e) >>> 0;

t.test('an allow list: the default answers what is not listed', async (t) => {
  const p = compile({ defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 1, syscalls: [{ names: ['read', 'write', 'no_such_call'], action: 'SCMP_ACT_ALLOW' }] });
  t.equal(run(p, NR.read), RET.ALLOW);
  t.equal(run(p, NR.write), RET.ALLOW);
  t.equal(run(p, NR.mkdir), ERRNO(1));
  t.equal(run(p, NR.read, [], 0x40000003), ERRNO(1), 'another ABI (i386) is refused');
  t.equal(run(p, NR.read | 0x40000000), ERRNO(1), 'the x32 ABI is refused');
});

t.test('a deny list with errnoRet, kill and the old single name', async (t) => {
  const p = compile({
    defaultAction: 'SCMP_ACT_ALLOW',
    syscalls: [
      { names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 },
      { name: 'reboot', action: 'SCMP_ACT_KILL_PROCESS' },
      { names: ['getpid'], action: 'SCMP_ACT_ALLOW' },
    ],
  });
  t.equal(run(p, NR.mkdir), ERRNO(13));
  t.equal(run(p, NR.mkdirat), ERRNO(13));
  t.equal(run(p, NR.reboot), RET.KILL_PROCESS);
  t.equal(run(p, NR.getpid), RET.ALLOW);
  t.equal(run(p, NR.read), RET.ALLOW);
  t.equal(p.length, 6 + 2 * 3 + 1, 'a rule with the default\'s action is left out');
});

t.test('argument conditions on 64-bit values', async (t) => {
  const rule = (op: string, value: number, valueTwo?: number) => compile({
    defaultAction: 'SCMP_ACT_ALLOW',
    syscalls: [{ names: ['kill'], action: 'SCMP_ACT_ERRNO', args: [{ index: 1, value, op, ...(valueTwo !== undefined ? { valueTwo } : {}) }] }],
  });
  const denied = (program: BpfInstruction[], arg: bigint) => run(program, NR.kill, [0n, arg]) === ERRNO(1);
  const big = 2 ** 40 + 5;
  const cases: Array<[string, number, bigint, boolean]> = [
    ['SCMP_CMP_EQ', 10, 10n, true], ['SCMP_CMP_EQ', 10, 11n, false], ['SCMP_CMP_EQ', 10, 10n + (1n << 32n), false],
    ['SCMP_CMP_NE', 10, 10n, false], ['SCMP_CMP_NE', 10, 11n, true], ['SCMP_CMP_NE', 10, 10n + (1n << 32n), true],
    ['SCMP_CMP_GT', big, BigInt(big), false], ['SCMP_CMP_GT', big, BigInt(big) + 1n, true], ['SCMP_CMP_GT', big, 1n << 41n, true], ['SCMP_CMP_GT', big, 7n, false],
    ['SCMP_CMP_GE', big, BigInt(big), true], ['SCMP_CMP_GE', big, BigInt(big) - 1n, false], ['SCMP_CMP_GE', 10, 1n << 32n, true],
    ['SCMP_CMP_LT', big, BigInt(big), false], ['SCMP_CMP_LT', big, BigInt(big) - 1n, true], ['SCMP_CMP_LT', big, 1n << 41n, false], ['SCMP_CMP_LT', big, 3n, true],
    ['SCMP_CMP_LE', big, BigInt(big), true], ['SCMP_CMP_LE', big, BigInt(big) + 1n, false], ['SCMP_CMP_LE', 10, 1n << 32n, false],
  ];
  for (const [op, value, arg, expected] of cases) t.equal(denied(rule(op, value), arg), expected, `${arg} ${op} ${value}`);
  const masked = rule('SCMP_CMP_MASKED_EQ', 0x7e020000, 0);
  t.equal(denied(masked, 0x11n), true, 'no namespace flag: (arg & mask) == 0');
  t.equal(denied(masked, 0x10000000n | 0x11n), false, 'a namespace flag set');
});

t.test('conditions: all of a rule; one argument twice: each its own rule; first match decides', async (t) => {
  const p = compile({
    defaultAction: 'SCMP_ACT_ERRNO',
    syscalls: [
      { names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 1, op: 'SCMP_CMP_EQ' }, { index: 1, value: 1, op: 'SCMP_CMP_EQ' }] },
      { names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 0, op: 'SCMP_CMP_EQ' }, { index: 0, value: 8, op: 'SCMP_CMP_EQ' }] },
      { names: ['socket'], action: 'SCMP_ACT_ERRNO', errnoRet: 97 },
    ],
  });
  t.equal(run(p, NR.socket, [1n, 1n]), RET.ALLOW, 'both conditions hold');
  t.equal(run(p, NR.socket, [1n, 2n]), ERRNO(97), 'one fails: the next rule');
  t.equal(run(p, NR.personality, [8n]), RET.ALLOW);
  t.equal(run(p, NR.personality, [0n]), RET.ALLOW);
  t.equal(run(p, NR.personality, [9n]), ERRNO(1), 'neither: the default');
});

t.test('includes and excludes: caps, arches, minKernel', async (t) => {
  const profile = {
    defaultAction: 'SCMP_ACT_ERRNO',
    syscalls: [
      { names: ['mount'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_ADMIN'] } },
      { names: ['clone'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 0x7e020000, op: 'SCMP_CMP_MASKED_EQ' }], excludes: { caps: ['CAP_SYS_ADMIN'], arches: ['s390x'] } },
      { names: ['clone'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_ADMIN'] } },
      { names: ['arch_prctl'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['amd64', 'x32'] } },
      { names: ['set_tls'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['arm64'] } },
      { names: ['ptrace'], action: 'SCMP_ACT_ALLOW', includes: { minKernel: '4.8' } },
      { names: ['getpid'], action: 'SCMP_ACT_ALLOW', excludes: { minKernel: '5.0' } },
    ],
  };
  const plain = compile(profile);
  t.equal(run(plain, NR.mount), ERRNO(1), 'mount needs CAP_SYS_ADMIN');
  t.equal(run(plain, NR.clone, [0x11n]), RET.ALLOW, 'clone without namespace flags');
  t.equal(run(plain, NR.clone, [0x20000000n]), ERRNO(1), 'clone with CLONE_NEWUSER');
  t.equal(run(plain, NR.arch_prctl), RET.ALLOW, 'amd64 is included');
  t.equal(run(plain, NR.ptrace), RET.ALLOW, 'kernel 6.1 >= 4.8');
  t.equal(run(plain, NR.getpid), ERRNO(1), 'excluded from kernel 5.0 on');
  t.equal(run(compile(profile, { kernel: '4.4.0' }), NR.ptrace), ERRNO(1), 'kernel 4.4 < 4.8');
  const admin = compile(profile, { caps: [...DEFAULT_CAPABILITIES, 'SYS_ADMIN'] });
  t.equal(run(admin, NR.mount), RET.ALLOW);
  t.equal(run(admin, NR.clone, [0x20000000n]), RET.ALLOW, 'with CAP_SYS_ADMIN any clone');
  t.ok(kernelAtLeast('6.18.44-fc', '4.8') && !kernelAtLeast('4.4.0', '4.8') && kernelAtLeast('4.10', '4.8'));
});

t.test('every syscall named: far jumps, within the kernel\'s size', async (t) => {
  const names = Object.keys(NR);
  const p = compile({
    defaultAction: 'SCMP_ACT_ERRNO',
    syscalls: [
      { names: ['ioctl'], action: 'SCMP_ACT_ALLOW', args: [{ index: 1, value: 0x5401, op: 'SCMP_CMP_EQ' }] },
      { names: names.filter((n) => n !== 'mkdir'), action: 'SCMP_ACT_ALLOW' },
    ],
  });
  t.ok(p.length < 4096, `${p.length} instructions`);
  for (const name of ['read', 'execve', 'set_mempolicy_home_node', 'mseal']) t.equal(run(p, NR[name]), RET.ALLOW, name);
  t.equal(run(p, NR.mkdir), ERRNO(1));
  t.equal(run(p, NR.ioctl, [0n, 0x5401n]), RET.ALLOW, 'the first rule of ioctl');
  t.equal(run(p, NR.ioctl, [0n, 0x5402n]), RET.ALLOW, 'its conditional rule fails: the later entry for ioctl decides');
  t.same(encodeBpf(p.slice(0, 2)), [`${BPF.LD_W_ABS} 0 0 4`, `${BPF.JEQ_K} 1 0 ${AUDIT_ARCH_X86_64}`]);
});

t.test('what cannot be compiled', async (t) => {
  t.throws(() => compile({ defaultAction: 'SCMP_ACT_ALLOW' }, { arch: 'arm64' }), /x86_64 only/);
  t.throws(() => SeccompProfile.parse({ defaultAction: 'SCMP_ACT_NOTIFY' }));
  t.throws(() => SeccompProfile.parse({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW', args: [{ index: 6, value: 1, op: 'SCMP_CMP_EQ' }] }] }));
});
