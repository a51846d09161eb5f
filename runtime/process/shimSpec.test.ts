import t from 'tap';

import { decodeShimSpec, encodeShimSpec, type ShimSpec } from './shimSpec.js';
import { InitError } from '../../events/errors.js';
import { parseShimReport } from './shim.js';

const spec: ShimSpec = {
  id: 'f'.repeat(64),
  lowerDirs: ['/l/top', '/l/bottom'],
  upperDir: '/c/upper',
  workDir: '/c/work',
  mergedDir: '/c/merged',
  args: ['sh', '-c', 'echo "a b"', ''],
  env: ['PATH=/bin', 'X=é=1'],
  cwd: '/',
  hostname: 'h',
  cgroupProcs: [],
  logPath: '/c/log',
  exitPath: '/c/exit',
  pidPath: '/c/pid',
};

t.test('encodes key\\0value\\0 pairs, arrays repeated in order', async (t) => {
  const buf = encodeShimSpec(spec);
  const strs = buf.toString('utf8').split('\0');
  t.equal(strs.pop(), '', 'ends with NUL');
  t.equal(strs.length % 2, 0, 'even number of strings');
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < strs.length; i += 2) pairs.push([strs[i], strs[i + 1]]);
  t.same(pairs.filter(([k]) => k === 'lowerDirs').map(([, v]) => v), ['/l/top', '/l/bottom']);
  t.same(pairs.filter(([k]) => k === 'args').map(([, v]) => v), ['sh', '-c', 'echo "a b"', '']);
  t.same(pairs.filter(([k]) => k === 'env').map(([, v]) => v), ['PATH=/bin', 'X=é=1']);
  t.equal(pairs.filter(([k]) => k === 'cgroupProcs').length, 0, 'empty array: no pair');
  t.same(pairs[0], ['id', spec.id]);
  t.ok(buf.includes(Buffer.from('X=\u00e9=1\0', 'utf8')), 'utf-8');
  t.same(decodeShimSpec(buf), spec, 'round-trips');
});

t.test('stdin, tty and the attach socket path', async (t) => {
  const withTty: ShimSpec = { ...spec, stdin: true, tty: true, sockPath: '/run/berth/shims/x.sock' };
  const strs = encodeShimSpec(withTty).toString('utf8').split('\0');
  t.ok(strs.join('|').includes('stdin|1|tty|1|sockPath|/run/berth/shims/x.sock'));
  t.same(decodeShimSpec(encodeShimSpec(withTty)), withTty, 'round-trips');
  t.notOk(encodeShimSpec({ ...spec, stdin: false, tty: false }).toString().includes('tty'), 'false: no pair');
});

t.test('log rotation limits', async (t) => {
  const rotating: ShimSpec = { ...spec, logMaxSize: 10_000_000, logMaxFiles: 3 };
  const strs = encodeShimSpec(rotating).toString('utf8').split('\0');
  t.ok(strs.join('|').includes('logMaxSize|10000000|logMaxFiles|3'));
  t.same(decodeShimSpec(encodeShimSpec(rotating)), rotating, 'round-trips');
  t.notOk(encodeShimSpec(spec).toString().includes('logMax'), 'absent: no pair');
  t.throws(() => encodeShimSpec({ ...spec, logMaxSize: 0 }), /logMaxSize/);
  t.throws(() => encodeShimSpec({ ...spec, logMaxFiles: 1.5 }), /logMaxFiles/);
});

t.test('the local driver\'s compression and the journald driver\'s socket and fields', async (t) => {
  const drivers: ShimSpec = { ...spec, logCompress: true, journalSocket: '/run/systemd/journal/socket', journalFields: ['CONTAINER_NAME=web', 'CONTAINER_TAG=web'] };
  t.ok(encodeShimSpec(drivers).toString('utf8').split('\0').join('|').includes('logCompress|1|journalSocket|/run/systemd/journal/socket|journalFields|CONTAINER_NAME=web|journalFields|CONTAINER_TAG=web'));
  t.same(decodeShimSpec(encodeShimSpec(drivers)), drivers, 'round-trips');
  t.notOk(/logCompress|journal/.test(encodeShimSpec({ ...spec, logCompress: false }).toString()), 'absent or false: no pair');
});

t.test('rejects NUL bytes and empty args', async (t) => {
  t.throws(() => encodeShimSpec({ ...spec, args: ['a\0b'] }), /NUL/);
  t.throws(() => encodeShimSpec({ ...spec, hostname: 'x\0' }), /hostname/);
  t.throws(() => encodeShimSpec({ ...spec, args: [] }), /args/);
  t.throws(() => encodeShimSpec({ ...spec, lowerDirs: [] }), /lowerDirs/);
});

t.test('parses shim reports into results and InitErrors', async (t) => {
  t.same(parseShimReport('ok 12 34'), { pid: 12, shimPid: 34 });
  const notFound = parseShimReport('err exec 2 exec: "foo": executable file not found in $PATH');
  t.ok(notFound instanceof InitError);
  t.match(notFound, { name: 'InitError', step: 'exec', errno: 2, exitCode: 127, code: 'ENOENT' });
  t.equal((notFound as InitError).message, 'init: exec: "foo": executable file not found in $PATH (ENOENT)');
  t.match(parseShimReport('err exec 13 exec: "/etc/passwd"'), {
    exitCode: 126,
    message: 'init: exec: "/etc/passwd": permission denied (EACCES)',
  });
  t.match(parseShimReport('err exec 8 exec: "/x"'), { exitCode: 126 });
  t.match(parseShimReport('err exec 21 exec: "/x"'), { exitCode: 126 });
  t.match(parseShimReport('err exec 1 exec: "/x"'), { exitCode: 126 });
  t.match(parseShimReport('err exec 7 exec: "/x"'), { exitCode: 125 });
  t.match(parseShimReport('err mount-overlay 22 mount overlay on /m'), {
    step: 'mount-overlay',
    exitCode: 125,
    message: 'init: mount-overlay: mount overlay on /m: invalid argument (EINVAL)',
  });
  t.match(parseShimReport('err cgroup 2 write pid to /x/cgroup.procs'), {
    message: 'shim: cgroup: write pid to /x/cgroup.procs: no such file or directory (ENOENT)',
  });
  t.throws(() => parseShimReport('garbage'), /unparseable/);
});
