/** The device rules compiled to eBPF, run through a small interpreter of the opcodes it emits. */
import t from 'tap';

import { compileDeviceFilter, DEVICE_ACCESS, DEVICE_TYPE, EBPF, encodeDeviceFilter, type EbpfInstruction } from './deviceFilter.js';
import { ALL_DEVICES, type DeviceRule } from './deviceRule.js';
import { DEFAULT_DEVICES, deviceRules } from '../security/devices.js';

/** the part of a tap Test checkShape needs */
interface Asserts {
  ok(value: unknown, message: string): void;
  fail(message: string): void;
  equal(found: unknown, wanted: unknown, message: string): void;
}

type Request = `${'b' | 'c'} ${number}:${number} ${string}`;

/** Runs the program on one request ("c 1:3 rw") as the kernel would: 1 allows, 0 refuses. */
function run(program: readonly EbpfInstruction[], request: Request): number {
  const [type, numbers, access] = request.split(' ');
  const [major, minor] = numbers.split(':').map(Number);
  let bits = 0;
  for (const letter of access) bits |= DEVICE_ACCESS[letter as keyof typeof DEVICE_ACCESS];
  const ctx = [((bits << 16) | DEVICE_TYPE[type as 'b' | 'c']) >>> 0, major, minor];
  const r = [0, -1, 0, 0, 0, 0];
  for (let pc = 0; pc < program.length; pc++) {
    const i = program[pc];
    switch (i.code) {
      case EBPF.LDX_MEM_W:
        if (i.src !== 1 || i.off % 4 !== 0 || i.off > 8) throw new Error(`pc ${pc}: load outside the context`);
        r[i.dst] = ctx[i.off / 4];
        break;
      case EBPF.ALU32_AND_K: r[i.dst] = (r[i.dst] & i.imm) >>> 0; break;
      case EBPF.ALU32_RSH_K: r[i.dst] = r[i.dst] >>> i.imm; break;
      case EBPF.ALU32_MOV_K: r[i.dst] = i.imm >>> 0; break;
      case EBPF.ALU32_MOV_X: r[i.dst] = r[i.src]; break;
      case EBPF.JNE_K: if (r[i.dst] !== i.imm) pc += i.off; break;
      case EBPF.JNE_X: if (r[i.dst] !== r[i.src]) pc += i.off; break;
      case EBPF.EXIT: return r[0];
      default: throw new Error(`pc ${pc}: unknown opcode ${i.code}`);
    }
    if (pc + 1 >= program.length) throw new Error(`pc ${pc}: ran off the end`);
  }
  throw new Error('empty program');
}

/** What the verifier checks of the shape: every jump lands inside, every instruction is reachable, it ends in exit. */
function checkShape(t: Asserts, program: readonly EbpfInstruction[]): void {
  const reached = new Set<number>([0]);
  for (let pc = 0; pc < program.length; pc++) {
    if (!reached.has(pc)) t.fail(`instruction ${pc} cannot be reached`);
    const { code, off } = program[pc];
    if (code === EBPF.EXIT) continue;
    reached.add(pc + 1);
    if (code === EBPF.JNE_K || code === EBPF.JNE_X) {
      t.ok(pc + 1 + off < program.length && off >= 0, `jump at ${pc} lands inside`);
      reached.add(pc + 1 + off);
    }
  }
  t.equal(program.at(-1)?.code, EBPF.EXIT, 'ends in exit');
}

t.test('the default rules: the minimal /dev, and mknod of anything', async (t) => {
  const program = compileDeviceFilter(DEFAULT_DEVICES);
  checkShape(t, program);
  for (const request of ['c 1:3 rw', 'c 1:3 r', 'c 1:5 r', 'c 1:7 w', 'c 1:8 r', 'c 1:9 r', 'c 5:0 rw', 'c 5:1 rw', 'c 5:2 rw',
    'c 136:0 rw', 'c 136:77 rw', 'c 1:3 m'] as Request[]) {
    t.equal(run(program, request), 1, `${request} allowed`);
  }
  for (const request of ['c 1:1 r', 'c 1:11 r', 'c 1:11 rw', 'c 10:200 rw', 'c 5:3 r', 'c 137:0 r', 'c 4:1 w', 'b 7:0 r', 'b 8:0 rw', 'b 1:3 r'] as Request[]) {
    t.equal(run(program, request), 0, `${request} refused`);
  }
  for (const request of ['c 1:11 m', 'b 7:0 m', 'b 259:1 m'] as Request[]) t.equal(run(program, request), 1, `${request}: mknod allowed`);
});

t.test('access must be all within one rule, as on v1', async (t) => {
  const rules: DeviceRule[] = [{ type: 'c', major: 10, minor: 200, access: 'r' }, { type: 'b', major: 7, minor: '*', access: 'rw' }];
  const program = compileDeviceFilter(rules);
  checkShape(t, program);
  t.equal(run(program, 'c 10:200 r'), 1);
  t.equal(run(program, 'c 10:200 w'), 0);
  t.equal(run(program, 'c 10:200 rw'), 0, 'asking read and write of a read-only rule');
  t.equal(run(program, 'c 10:200 m'), 0);
  t.equal(run(program, 'b 7:3 rw'), 1);
  t.equal(run(program, 'b 7:3 m'), 0);
  t.equal(run(program, 'c 7:3 r'), 0, 'the type counts');
});

t.test('privileged: every device; nothing after a rule that matches all', async (t) => {
  const program = compileDeviceFilter(deviceRules({ privileged: true }));
  checkShape(t, program);
  t.equal(program.length, 8, 'the loads, then "return 1"');
  for (const request of ['c 1:1 rw', 'b 8:0 rwm', 'c 1:11 m'] as Request[]) t.equal(run(program, request), 1, `${request} allowed`);
  const trailing = compileDeviceFilter([DEFAULT_DEVICES[2], ALL_DEVICES, DEFAULT_DEVICES[3]]);
  checkShape(t, trailing);
  t.equal(run(trailing, 'b 8:0 r'), 1);
  const none = compileDeviceFilter([]);
  checkShape(t, none);
  t.equal(run(none, 'c 1:3 r'), 0, 'no rules: nothing allowed');
});

t.test('encoding: struct bpf_insn, little-endian', async (t) => {
  const bytes = encodeDeviceFilter(compileDeviceFilter([{ type: 'c', major: 136, minor: '*', access: 'rwm' }]));
  t.equal(bytes.length % 8, 0);
  t.equal(bytes.subarray(0, 8).toString('hex'), '6112000000000000', 'r2 = *(u32 *)(r1 + 0)');
  t.equal(bytes.subarray(8, 16).toString('hex'), '54020000ffff0000', 'w2 &= 0xffff');
  t.equal(bytes.subarray(48, 56).toString('hex'), '5502030002000000', 'if r2 != 2 (char) goto +3');
  t.equal(bytes.subarray(56, 64).toString('hex'), '5504020088000000', 'if r4 != 136 goto +2');
  t.equal(bytes.subarray(-8).toString('hex'), '9500000000000000', 'exit');
});
