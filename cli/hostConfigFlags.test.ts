import t from 'tap';
import { loadSeccompProfile, parseSecurityOpts } from './hostConfigFlags.js';

const files: Record<string, string> = {
  '/p/deny.json': JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO', comment: 'x' }], flags: ['SECCOMP_FILTER_FLAG_LOG'] }),
  '/p/bad.json': '{ "defaultAction": ',
  '/p/notify.json': JSON.stringify({ defaultAction: 'SCMP_ACT_NOTIFY' }),
};
const read = (file: string) => {
  if (!(file in files)) throw new Error(`open ${file}: no such file or directory`);
  return files[file];
};

t.test('--security-opt seccomp=FILE reads a Docker profile', async (t) => {
  t.same(parseSecurityOpts(['seccomp=/p/deny.json'], read), {
    seccompProfile: { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO', comment: 'x' }] },
  }, 'unknown keys (flags) are dropped');
  t.same(parseSecurityOpts(['seccomp=/p/deny.json', 'seccomp=unconfined'], read), { seccomp: 'unconfined' }, 'the last one wins');
  t.same(parseSecurityOpts(['seccomp=unconfined', 'seccomp:/p/deny.json'], read).seccomp, undefined);
  t.same(parseSecurityOpts(['no-new-privileges'], read), { noNewPrivileges: true });
});

t.test('a missing, broken or unsupported profile is a one-line error', async (t) => {
  t.throws(() => loadSeccompProfile('/p/none.json', read), /opening seccomp profile \(\/p\/none.json\) failed: open \/p\/none.json: no such file/);
  t.throws(() => loadSeccompProfile('/p/bad.json', read), /decoding seccomp profile \(\/p\/bad.json\) failed/);
  t.throws(() => loadSeccompProfile('/p/notify.json', read), /seccomp profile \(\/p\/notify.json\): defaultAction: /);
  t.throws(() => parseSecurityOpts(['seccomp='], read), /seccomp takes unconfined, default or a profile file/);
});
