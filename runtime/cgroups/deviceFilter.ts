/**
 * Device rules compiled to the eBPF program that stands for the devices cgroup on cgroup v2
 * (BPF_PROG_TYPE_CGROUP_DEVICE, attached by runtime/native/devfilter/berth-devfilter.c), in the
 * shape runc emits. The kernel calls it with a struct bpf_cgroup_dev_ctx for every mknod and every
 * open of a device node; it returns 1 to allow, 0 to refuse (the caller gets EPERM). Pure.
 *
 *   r2 = device type, r3 = requested access, r4 = major, r5 = minor
 *   for each rule: if the type, access, major and minor all match, return 1
 *   return 0
 *
 * A request matches a rule's access when every bit it asks (an open for reading and writing asks
 * both) is among the rule's, as in the v1 devices cgroup.
 */
import type { DeviceRule } from './deviceRule.js';
import { ValidationError } from '../../events/errors.js';

/** One instruction, as struct bpf_insn. */
export interface EbpfInstruction {
  code: number;
  dst: number;
  src: number;
  /** a jump's distance in instructions after the next one, or a load's offset */
  off: number;
  imm: number;
}

/** The opcodes used (BPF_CLASS | BPF_OP | BPF_SRC, linux/bpf_common.h and linux/bpf.h). */
export const EBPF = {
  /** dst = *(u32 *)(src + off) */
  LDX_MEM_W: 0x61,
  /** dst = (u32)dst & imm */
  ALU32_AND_K: 0x54,
  /** dst = (u32)dst >> imm */
  ALU32_RSH_K: 0x74,
  /** dst = (u32)imm */
  ALU32_MOV_K: 0xb4,
  /** dst = (u32)src */
  ALU32_MOV_X: 0xbc,
  /** if dst != imm goto +off */
  JNE_K: 0x55,
  /** if dst != src goto +off */
  JNE_X: 0x5d,
  EXIT: 0x95,
} as const;

/** struct bpf_cgroup_dev_ctx: access_type is (access << 16) | type. */
export const DEV_CTX = { ACCESS_TYPE: 0, MAJOR: 4, MINOR: 8 } as const;
/** BPF_DEVCG_DEV_* */
export const DEVICE_TYPE = { b: 1, c: 2 } as const;
/** BPF_DEVCG_ACC_* */
export const DEVICE_ACCESS = { m: 1, r: 2, w: 4 } as const;
const ALL_ACCESS = DEVICE_ACCESS.m | DEVICE_ACCESS.r | DEVICE_ACCESS.w;

/** BPF_MAXINSNS, as much as berth-devfilter reads: far above what a rule list needs. */
const MAX_INSTRUCTIONS = 4096;

const R0 = 0, R1 = 1, TYPE = 2, ACCESS = 3, MAJOR = 4, MINOR = 5;
const insn = (code: number, dst: number, src: number, off: number, imm: number): EbpfInstruction => ({ code, dst, src, off, imm });

function accessBits(access: string): number {
  let bits = 0;
  for (const letter of access) bits |= DEVICE_ACCESS[letter as keyof typeof DEVICE_ACCESS];
  return bits;
}

/** The tests of one rule, each jumping past the rule's block when it fails; then "return 1". */
function ruleBlock(rule: DeviceRule): EbpfInstruction[] {
  const tests: Array<(skip: number) => EbpfInstruction[]> = [];
  const { type, major, minor } = rule;
  if (type !== 'a') tests.push((skip) => [insn(EBPF.JNE_K, TYPE, 0, skip, DEVICE_TYPE[type])]);
  const bits = accessBits(rule.access);
  if (bits !== ALL_ACCESS) {
    // allowed when the request asks nothing beyond the rule's access: (access & bits) == access
    tests.push((skip) => [
      insn(EBPF.ALU32_MOV_X, R1, ACCESS, 0, 0),
      insn(EBPF.ALU32_AND_K, R1, 0, 0, bits),
      insn(EBPF.JNE_X, R1, ACCESS, skip, 0),
    ]);
  }
  if (major !== '*') tests.push((skip) => [insn(EBPF.JNE_K, MAJOR, 0, skip, major)]);
  if (minor !== '*') tests.push((skip) => [insn(EBPF.JNE_K, MINOR, 0, skip, minor)]);
  const allow = [insn(EBPF.ALU32_MOV_K, R0, 0, 0, 1), insn(EBPF.EXIT, 0, 0, 0, 0)];
  // sizes first (a test's length does not depend on its jump), then the jumps to the block's end
  const sizes = tests.map((test) => test(0).length);
  const block: EbpfInstruction[] = [];
  let remaining = sizes.reduce((a, b) => a + b, 0) + allow.length;
  tests.forEach((test, i) => {
    remaining -= sizes[i];
    block.push(...test(remaining));
  });
  return [...block, ...allow];
}

/** Whether a rule matches every request (nothing after it could ever run). */
const matchesAll = (rule: DeviceRule) => rule.type === 'a' && rule.major === '*' && rule.minor === '*' && accessBits(rule.access) === ALL_ACCESS;

/** The program that allows what `rules` allow and refuses every other device. */
export function compileDeviceFilter(rules: readonly DeviceRule[]): EbpfInstruction[] {
  const program = [
    insn(EBPF.LDX_MEM_W, TYPE, R1, DEV_CTX.ACCESS_TYPE, 0),
    insn(EBPF.ALU32_AND_K, TYPE, 0, 0, 0xffff),
    insn(EBPF.LDX_MEM_W, ACCESS, R1, DEV_CTX.ACCESS_TYPE, 0),
    insn(EBPF.ALU32_RSH_K, ACCESS, 0, 0, 16),
    insn(EBPF.LDX_MEM_W, MAJOR, R1, DEV_CTX.MAJOR, 0),
    insn(EBPF.LDX_MEM_W, MINOR, R1, DEV_CTX.MINOR, 0),
  ];
  for (const rule of rules) {
    program.push(...ruleBlock(rule));
    // the verifier refuses instructions that cannot be reached
    if (matchesAll(rule)) return program;
  }
  program.push(insn(EBPF.ALU32_MOV_K, R0, 0, 0, 0), insn(EBPF.EXIT, 0, 0, 0, 0));
  if (program.length > MAX_INSTRUCTIONS) throw new ValidationError(`device filter: ${rules.length} rules make ${program.length} instructions, above the kernel's ${MAX_INSTRUCTIONS}`);
  return program;
}

/** The program as the kernel takes it: struct bpf_insn, 8 bytes each, little-endian (x86_64). */
export function encodeDeviceFilter(program: readonly EbpfInstruction[]): Buffer {
  const out = Buffer.alloc(program.length * 8);
  program.forEach((i, n) => {
    out.writeUInt8(i.code, n * 8);
    out.writeUInt8((i.src << 4) | i.dst, n * 8 + 1);
    out.writeInt16LE(i.off, n * 8 + 2);
    out.writeInt32LE(i.imm, n * 8 + 4);
  });
  return out;
}
