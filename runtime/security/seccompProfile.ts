/**
 * A Docker seccomp profile (`--security-opt seccomp=FILE`, events/hostConfig.ts SeccompProfile)
 * compiled to a classic-BPF program for x86_64, which the shim loads as it is
 * (runtime/native/seccomp.c seccomp_load_program). Pure.
 *
 * What is kept of Docker's (runc's) reading of a profile:
 *  - a rule applies only when its includes hold and its excludes do not: caps against the
 *    container's capabilities, arches against amd64, minKernel against the running kernel;
 *  - names the table does not know are skipped, and so are rules whose action is the default's;
 *  - the conditions of a rule must all hold, but when one argument is named twice each
 *    condition is a rule of its own (runc's "old behaviour");
 *  - comparisons are on the whole 64-bit argument; SCMP_CMP_MASKED_EQ is (arg & value) == valueTwo.
 * Where it differs: rules are tried in the profile's order and the first that matches decides
 * (libseccomp orders by action), and a call from another ABI (i386, x32) always answers EPERM:
 * only x86_64 numbers are compiled.
 */
import type { SeccompAction, SeccompProfile } from '../../events/hostConfig.js';
import { ValidationError } from '../../events/errors.js';
import type { Capability } from './capabilities.js';
import { SYSCALL_NUMBERS_X86_64 } from './syscallsX86_64.js';

/** One instruction, as struct sock_filter. */
export interface BpfInstruction { code: number; jt: number; jf: number; k: number }

export const BPF = {
  LD_W_ABS: 0x20, ALU_AND_K: 0x54, JA: 0x05, JEQ_K: 0x15, JGT_K: 0x25, JGE_K: 0x35, JSET_K: 0x45, RET_K: 0x06,
} as const;
/** seccomp_data offsets; an argument's low word is at ARGS + 8 * i (little-endian), its high word 4 after. */
export const DATA = { NR: 0, ARCH: 4, ARGS: 16 } as const;
export const AUDIT_ARCH_X86_64 = 0xc000003e;
const X32_SYSCALL_BIT = 0x40000000;
/** The kernel's limit (BPF_MAXINSNS). */
const MAX_INSTRUCTIONS = 4096;
const EPERM = 1;

export const RET = {
  KILL_PROCESS: 0x80000000, KILL_THREAD: 0x00000000, TRAP: 0x00030000, ERRNO: 0x00050000,
  TRACE: 0x7ff00000, LOG: 0x7ffc0000, ALLOW: 0x7fff0000,
} as const;

/** The return value of an action; ERRNO and TRACE carry errnoRet (EPERM when absent, as runc). */
export function actionValue(action: SeccompAction, errnoRet?: number | null): number {
  const data = (errnoRet ?? EPERM) & 0xffff;
  switch (action) {
    case 'SCMP_ACT_ALLOW': return RET.ALLOW;
    case 'SCMP_ACT_ERRNO': return (RET.ERRNO | data) >>> 0;
    case 'SCMP_ACT_TRACE': return (RET.TRACE | data) >>> 0;
    case 'SCMP_ACT_KILL': case 'SCMP_ACT_KILL_THREAD': return RET.KILL_THREAD;
    case 'SCMP_ACT_KILL_PROCESS': return RET.KILL_PROCESS;
    case 'SCMP_ACT_TRAP': return RET.TRAP;
    case 'SCMP_ACT_LOG': return RET.LOG;
  }
}

/** Where the profile is applied: the container's capabilities, the Go arch name, the kernel release. */
export interface ProfileTarget {
  caps: readonly Capability[];
  arch: string;
  kernel: string;
}

type Syscall = NonNullable<SeccompProfile['syscalls']>[number];
type Condition = NonNullable<Syscall['args']>[number];
interface Rule { nr: number; conditions: Condition[]; ret: number }

/** "6.18.44-fc" >= "4.8"? */
export function kernelAtLeast(release: string, min: string): boolean {
  const parse = (v: string) => (/^(\d+)\.(\d+)/.exec(v) ?? [, '0', '0']).slice(1, 3).map(Number);
  const [a, b] = parse(release);
  const [c, d] = parse(min);
  return a !== c ? a > c : b >= d;
}

/** Does a profile entry apply here (its includes and excludes)? */
function applies(entry: Syscall, target: ProfileTarget): boolean {
  const held = new Set(target.caps.map((cap) => `CAP_${cap}`));
  const { includes, excludes } = entry;
  if (excludes?.arches?.includes(target.arch)) return false;
  if (excludes?.caps?.some((cap) => held.has(cap))) return false;
  if (excludes?.minKernel && kernelAtLeast(target.kernel, excludes.minKernel)) return false;
  if (includes?.arches?.length && !includes.arches.includes(target.arch)) return false;
  if (includes?.caps?.some((cap) => !held.has(cap))) return false;
  if (includes?.minKernel && !kernelAtLeast(target.kernel, includes.minKernel)) return false;
  return true;
}

/** The profile's rules that apply, per syscall number in order of first appearance. */
function rulesOf(profile: SeccompProfile, target: ProfileTarget, defaultRet: number): Map<number, Rule[]> {
  const bySyscall = new Map<number, Rule[]>();
  for (const entry of profile.syscalls ?? []) {
    if (!applies(entry, target)) continue;
    const ret = actionValue(entry.action, entry.errnoRet);
    if (ret === defaultRet) continue;
    const args = entry.args ?? [];
    const indexes = args.map((arg) => arg.index);
    const split = indexes.some((index, i) => indexes.indexOf(index) !== i);
    const alternatives = split ? args.map((arg) => [arg]) : [args];
    const names = [...(entry.names ?? []), ...(entry.name ? [entry.name] : [])];
    for (const name of names) {
      const nr = SYSCALL_NUMBERS_X86_64[name];
      if (nr === undefined) continue;
      const list = bySyscall.get(nr) ?? [];
      for (const conditions of alternatives) list.push({ nr, conditions, ret });
      bySyscall.set(nr, list);
    }
  }
  return bySyscall;
}

/** An instruction whose jumps name labels (undefined: the next instruction). */
type Item = { label: string } | { code: number; k: number; t?: string; f?: string };

const hi = (v: number) => Math.floor(v / 2 ** 32) >>> 0;
const lo = (v: number) => v >>> 0;

/** Code for one condition: falls through when it holds, jumps to `fail` when not. */
function condition(c: Condition, fail: string, pass: string): Item[] {
  const low = DATA.ARGS + 8 * c.index;
  const ld = (offset: number): Item => ({ code: BPF.LD_W_ABS, k: offset });
  const v = c.value;
  switch (c.op) {
    case 'SCMP_CMP_EQ':
      return [ld(low + 4), { code: BPF.JEQ_K, k: hi(v), f: fail }, ld(low), { code: BPF.JEQ_K, k: lo(v), f: fail }];
    case 'SCMP_CMP_NE':
      return [ld(low + 4), { code: BPF.JEQ_K, k: hi(v), f: pass }, ld(low), { code: BPF.JEQ_K, k: lo(v), t: fail }];
    case 'SCMP_CMP_MASKED_EQ': {
      const want = c.valueTwo ?? 0;
      return [
        ld(low + 4), { code: BPF.ALU_AND_K, k: hi(v) }, { code: BPF.JEQ_K, k: hi(want), f: fail },
        ld(low), { code: BPF.ALU_AND_K, k: lo(v) }, { code: BPF.JEQ_K, k: lo(want), f: fail },
      ];
    }
    case 'SCMP_CMP_GT':
      return [ld(low + 4), { code: BPF.JGT_K, k: hi(v), t: pass }, { code: BPF.JEQ_K, k: hi(v), f: fail }, ld(low), { code: BPF.JGT_K, k: lo(v), f: fail }];
    case 'SCMP_CMP_GE':
      return [ld(low + 4), { code: BPF.JGT_K, k: hi(v), t: pass }, { code: BPF.JEQ_K, k: hi(v), f: fail }, ld(low), { code: BPF.JGE_K, k: lo(v), f: fail }];
    case 'SCMP_CMP_LT':
      return [ld(low + 4), { code: BPF.JGT_K, k: hi(v), t: fail }, { code: BPF.JEQ_K, k: hi(v), f: pass }, ld(low), { code: BPF.JGE_K, k: lo(v), t: fail }];
    case 'SCMP_CMP_LE':
      return [ld(low + 4), { code: BPF.JGT_K, k: hi(v), t: fail }, { code: BPF.JEQ_K, k: hi(v), f: pass }, ld(low), { code: BPF.JGT_K, k: lo(v), t: fail }];
  }
}

/** Resolves labels to relative jumps; a conditional jump reaches at most 255 ahead. */
function assemble(items: Item[]): BpfInstruction[] {
  const at = new Map<string, number>();
  let n = 0;
  for (const item of items) {
    if ('label' in item) at.set(item.label, n);
    else n++;
  }
  const out: BpfInstruction[] = [];
  for (const item of items) {
    if ('label' in item) continue;
    const here = out.length;
    const offset = (label?: string) => {
      if (label === undefined) return 0;
      const to = at.get(label);
      // A bug in the profile's own program, never input: every jump names one of its labels.
      if (to === undefined) throw new Error(`seccomp: no label ${label}`);
      return to - here - 1;
    };
    const jt = offset(item.t);
    const jf = offset(item.f);
    if (item.code === BPF.JA) {
      out.push({ code: item.code, jt: 0, jf: 0, k: jt });
      continue;
    }
    if (jt > 255 || jf > 255) throw new ValidationError('seccomp profile: a rule is too long to compile (a jump past 255 instructions)');
    out.push({ code: item.code, jt, jf, k: item.k >>> 0 });
  }
  return out;
}

/** The profile as a BPF program for a container with `target`'s capabilities, arch and kernel. */
export function compileSeccompProfile(profile: SeccompProfile, target: ProfileTarget): BpfInstruction[] {
  if (target.arch !== 'amd64') throw new ValidationError(`seccomp profiles are compiled for x86_64 only (this is ${target.arch})`);
  const defaultRet = actionValue(profile.defaultAction, profile.defaultErrnoRet);
  const ret = (k: number): Item => ({ code: BPF.RET_K, k });
  const items: Item[] = [
    { code: BPF.LD_W_ABS, k: DATA.ARCH }, { code: BPF.JEQ_K, k: AUDIT_ARCH_X86_64, t: 'native' }, ret(RET.ERRNO | EPERM),
    { label: 'native' },
    { code: BPF.LD_W_ABS, k: DATA.NR }, { code: BPF.JSET_K, k: X32_SYSCALL_BIT, f: 'syscall0' }, ret(RET.ERRNO | EPERM),
  ];
  let block = 0;
  let nrLoaded = true;
  for (const [nr, rules] of rulesOf(profile, target, defaultRet)) {
    const next = `syscall${block + 1}`;
    items.push({ label: `syscall${block}` });
    if (!nrLoaded) items.push({ code: BPF.LD_W_ABS, k: DATA.NR });
    if (rules.length === 1 && rules[0].conditions.length === 0) {
      items.push({ code: BPF.JEQ_K, k: nr, f: next }, ret(rules[0].ret));
      nrLoaded = true;
    } else {
      // a long jump past the block: it may be longer than a conditional jump reaches
      items.push({ code: BPF.JEQ_K, k: nr, t: `${next}.rules` }, { code: BPF.JA, k: 0, t: next }, { label: `${next}.rules` });
      rules.forEach((rule, r) => {
        const fail = `${next}.rule${r + 1}`;
        rule.conditions.forEach((c, i) => {
          const pass = `${next}.rule${r}.pass${i}`;
          items.push(...condition(c, fail, pass), { label: pass });
        });
        items.push(ret(rule.ret), { label: fail });
      });
      items.push(ret(defaultRet));
      nrLoaded = false;
    }
    block++;
  }
  items.push({ label: `syscall${block}` }, ret(defaultRet));
  const program = assemble(items);
  if (program.length > MAX_INSTRUCTIONS) {
    throw new ValidationError(`seccomp profile: ${program.length} instructions, more than the kernel's ${MAX_INSTRUCTIONS}`);
  }
  return program;
}

/** The program as the shim's spec lines "CODE JT JF K". */
export function encodeBpf(program: readonly BpfInstruction[]): string[] {
  return program.map((i) => `${i.code} ${i.jt} ${i.jf} ${i.k >>> 0}`);
}
