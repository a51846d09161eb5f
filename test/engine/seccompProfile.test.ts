/**
 * `--security-opt seccomp=FILE`: a Docker seccomp profile compiled to BPF and loaded into the
 * container's init and its execs. Real engine, real kernel filter.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { startEngine } from '../helpers/engine.js';
import { SYSCALL_NUMBERS_X86_64 } from '../../runtime/security/syscallsX86_64.js';
import { gateFile, requiresEngine } from '../helpers/gates.js';

gateFile(requiresEngine());

const engine = await startEngine(t);
const profile = async (name: string, value: object) => {
  const file = path.join(engine.dir, name);
  await fs.writeFile(file, JSON.stringify(value));
  return file;
};

t.test('a deny list: mkdir answers EACCES, the rest runs; execs get the same filter', async (t) => {
  const file = await profile('deny.json', {
    defaultAction: 'SCMP_ACT_ALLOW',
    syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 }],
  });
  const denied = await engine.berth(['run', '--rm', '--security-opt', `seccomp=${file}`, 'busybox', 'mkdir', '/made']);
  t.not(denied.code, 0);
  t.match(denied.stderr, /Permission denied/, 'EACCES, the profile\'s errnoRet');
  const ok = await engine.berth(['run', '--rm', '--security-opt', `seccomp=${file}`, 'busybox', 'sh', '-c', 'grep Seccomp: /proc/self/status; echo fine > /tmp/x && cat /tmp/x']);
  t.equal(ok.code, 0, ok.stderr);
  t.match(ok.stdout, /Seccomp:\s+2\nfine\n/, 'filtered, and what the profile allows works');
  const mkdirOk = await engine.berth(['run', '--rm', 'busybox', 'mkdir', '/made']);
  t.equal(mkdirOk.code, 0, 'the default filter allows mkdir: the profile made the difference');

  await engine.ok(['run', '-d', '--name', 'filtered', '--security-opt', `seccomp=${file}`, 'busybox', 'sleep', '1000']);
  const exec = await engine.berth(['exec', 'filtered', 'mkdir', '/again']);
  t.not(exec.code, 0);
  t.match(exec.stderr, /Permission denied/, 'an exec runs under the container\'s profile');
  await engine.ok(['rm', '-f', 'filtered']);
});

t.test('an allow list with the default ERRNO: everything named but mkdir', async (t) => {
  const names = Object.keys(SYSCALL_NUMBERS_X86_64).filter((name) => name !== 'mkdir' && name !== 'mkdirat');
  const file = await profile('allow.json', { defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 1, syscalls: [{ names, action: 'SCMP_ACT_ALLOW' }] });
  const r = await engine.berth(['run', '--rm', '--security-opt', `seccomp=${file}`, 'busybox', 'sh', '-c', 'echo up; mkdir /made']);
  t.equal(r.stdout, 'up\n', r.stderr);
  t.match(r.stderr, /Operation not permitted/, 'not listed: the default, EPERM');
});

t.test('an argument condition: kill with SIGUSR1 is refused, other signals are not', async (t) => {
  const file = await profile('args.json', {
    defaultAction: 'SCMP_ACT_ALLOW',
    syscalls: [{ names: ['kill'], action: 'SCMP_ACT_ERRNO', args: [{ index: 1, value: 10, op: 'SCMP_CMP_EQ' }] }],
  });
  const r = await engine.berth(['run', '--rm', '--security-opt', `seccomp=${file}`, 'busybox', 'sh', '-c',
    'trap "echo got-usr2" USR2; kill -USR1 $$ || echo usr1-refused; kill -USR2 $$; echo done']);
  t.equal(r.code, 0, r.stderr);
  t.equal(r.stdout, 'usr1-refused\ngot-usr2\ndone\n');
});

t.test('a profile that cannot be read or used fails the run with one line', async (t) => {
  const missing = await engine.berth(['run', '--rm', '--security-opt', 'seccomp=/no/such/profile.json', 'busybox', 'true']);
  t.equal(missing.code, 125);
  t.match(missing.stderr, /opening seccomp profile \(\/no\/such\/profile.json\) failed/);
  const notify = await profile('notify.json', { defaultAction: 'SCMP_ACT_NOTIFY' });
  const bad = await engine.berth(['run', '--rm', '--security-opt', `seccomp=${notify}`, 'busybox', 'true']);
  t.equal(bad.code, 125);
  t.match(bad.stderr, /seccomp profile .*defaultAction/);
  t.equal(bad.stderr.trim().split('\n').length, 1);
});
