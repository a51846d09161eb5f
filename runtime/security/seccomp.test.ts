import { readFile } from 'node:fs/promises';
import t from 'tap';
import { defaultSeccompRules, encodeSeccompRules, SYSCALLS_X86_64 } from './seccomp.js';
import { DEFAULT_CAPABILITIES } from './capabilities.js';
import { KERNEL_SYSCALL_HEADER, requiresKernelHeaders } from '../../test/helpers/gates.js';

t.test('the syscall table matches this machine\'s kernel headers', requiresKernelHeaders(), async (t) => {
  const header = await readFile(KERNEL_SYSCALL_HEADER, 'utf8');
  const defined = new Map([...header.matchAll(/^#define __NR_(\w+) (\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]));
  const newest = Math.max(...defined.values());
  t.ok(defined.size > 300, `the header defines the syscalls (${defined.size} found)`);
  for (const [name, nr] of Object.entries(SYSCALLS_X86_64)) {
    const fromHeader = defined.get(name);
    // A syscall newer than these headers is not in them; any other must be, with our number.
    if (fromHeader === undefined) t.ok(nr > newest, `${name} (${nr}) is newer than the headers' last syscall (${newest})`);
    else t.equal(nr, fromHeader, name);
  }
});

t.test('the default rules refuse what Docker refuses, and capabilities open what they guard', async (t) => {
  const denied = (caps: readonly string[]) =>
    defaultSeccompRules(caps as never).filter((r) => r.kind === 'deny').map((r) => r.syscall);
  const base = denied(DEFAULT_CAPABILITIES);
  for (const name of ['mount', 'umount2', 'kexec_load', 'init_module', 'finit_module', 'delete_module', 'reboot', 'swapon',
    'swapoff', 'pivot_root', 'unshare', 'setns', 'keyctl', 'add_key', 'request_key', 'bpf', 'perf_event_open',
    'open_by_handle_at', 'clock_settime', 'settimeofday', 'acct', 'quotactl', 'lookup_dcookie', 'userfaultfd']) {
    t.ok(base.includes(name), `${name} is refused`);
  }
  t.notOk(base.includes('ptrace'), 'ptrace is allowed (kernel >= 4.8), as in Docker');
  t.notOk(denied([...DEFAULT_CAPABILITIES, 'SYS_ADMIN']).includes('mount'), 'SYS_ADMIN opens mount');
  t.notOk(denied([...DEFAULT_CAPABILITIES, 'SYS_MODULE']).includes('init_module'), 'SYS_MODULE opens init_module');
  t.ok(denied([...DEFAULT_CAPABILITIES, 'SYS_ADMIN']).includes('keyctl'), 'keyctl stays refused');
  const rules = defaultSeccompRules(DEFAULT_CAPABILITIES);
  t.match(rules.find((r) => r.syscall === 'clone'), { kind: 'mask', arg: 0 }, 'clone with namespace flags');
  t.match(rules.find((r) => r.syscall === 'clone3'), { kind: 'deny', errno: 38 }, 'clone3 is ENOSYS so that libc falls back');
  t.match(rules.find((r) => r.syscall === 'personality'), { kind: 'only', values: [0, 8, 0x20000, 0x20008, 0xffffffff] });
  t.match(rules.find((r) => r.syscall === 'socket'), { kind: 'denyValues', arg: 0, values: [40] }, 'socket(AF_VSOCK) is refused, as in Docker');
  t.match(defaultSeccompRules([...DEFAULT_CAPABILITIES, 'SYS_ADMIN', 'NET_ADMIN']).find((r) => r.syscall === 'socket'), { values: [40] }, 'whatever the capabilities');
});

t.test('encoding: one line per rule, numbers from the table', async (t) => {
  t.same(encodeSeccompRules([{ kind: 'deny', syscall: 'mount', errno: 1 }], 'x64'), ['deny 1 165']);
  t.same(encodeSeccompRules([{ kind: 'mask', syscall: 'clone', errno: 1, arg: 0, mask: 0x7e020080 }], 'x64'), ['mask 1 56 0 2114060416']);
  t.same(encodeSeccompRules([{ kind: 'only', syscall: 'personality', errno: 1, arg: 0, values: [0, 0xffffffff] }], 'x64'), ['only 1 135 0 0,4294967295']);
  t.same(encodeSeccompRules([{ kind: 'denyValues', syscall: 'socket', errno: 1, arg: 0, values: [40] }], 'x64'), ['denyeq 1 41 0 40']);
  t.throws(() => encodeSeccompRules([{ kind: 'deny', syscall: 'nope', errno: 1 }], 'x64'), /unknown syscall/);
  t.throws(() => encodeSeccompRules([{ kind: 'deny', syscall: 'mount', errno: 1 }, { kind: 'deny', syscall: 'mount', errno: 1 }], 'x64'), /more than one/);
  t.throws(() => encodeSeccompRules(defaultSeccompRules(DEFAULT_CAPABILITIES), 'arm64'), /x86_64 only/);
  t.same(encodeSeccompRules([], 'arm64'), [], 'no rules: no filter, on any architecture');
});
