import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readlink, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';

import { createCgroupManager } from '../../runtime/cgroups/detect.js';
import type { CgroupManager, Limits } from '../../runtime/cgroups/manager.js';
import { CgroupV2Manager } from '../../runtime/cgroups/v2.js';
import { deviceRules } from '../../runtime/security/devices.js';
import { securitySpec } from '../../runtime/security/profile.js';
import { InitError } from '../../events/errors.js';
import { startShim } from '../../runtime/process/shim.js';
import type { ShimSpec } from '../../runtime/process/shimSpec.js';
import { makeBusyboxRootfs } from '../helpers/busybox.js';
import { cgroupV2Mount, gateFile, requiresBusybox, requiresCgroupV2, requiresNativeBinaries, requiresRoot } from '../helpers/gates.js';

gateFile(requiresRoot(), requiresNativeBinaries(), requiresBusybox());

/** the part of a tap Test the fixture needs */
interface Test {
  teardown(fn: () => unknown): void;
}

/** true while the process exists and is not a zombie */
async function alive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

interface ExitInfo { exitCode: number; signal: number | null; time: string }
interface LogLine { stream: 'stdout' | 'stderr'; time: string; log: string }

interface Box {
  dir: string;
  id: string;
  spec(args: string[], over?: Partial<ShimSpec>): ShimSpec;
  start(args: string[], over?: Partial<ShimSpec>): Promise<{ pid: number; shimPid: number }>;
  waitExit(): Promise<ExitInfo>;
  log(): Promise<LogLine[]>;
  cgroupName: string;
}

const cgroups = createCgroupManager();
/** per-run parent cgroup, removed at the end */
const CGROUP_PARENT = `berth-test-${process.pid}`;
t.teardown(() => cgroups.remove(CGROUP_PARENT));
/** this machine's cgroup2 mount (hybrid): containers with cgroup v2 device filters */
const UNIFIED = cgroupV2Mount();
const unified = new CgroupV2Manager({ root: UNIFIED });
t.teardown(() => unified.remove(CGROUP_PARENT));

/** A container sandbox in its own temp dir; teardown kills what it started and removes everything. */
async function box(t: Test, limits?: Limits, manager: CgroupManager = cgroups): Promise<Box> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-shim-test-'));
  const id = randomBytes(32).toString('hex');
  const cgroupName = `${CGROUP_PARENT}/${id}`;
  const pids: number[] = [];
  await makeBusyboxRootfs(join(dir, 'rootfs'));
  for (const d of ['upper', 'work', 'merged']) await mkdir(join(dir, d));
  const cgroupProcs = limits ? (await manager.create(cgroupName, limits)).procsFiles : [];

  t.teardown(async () => {
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    for (const pid of pids) await waitFor(`pid ${pid} to exit`, async () => ((await alive(pid)) ? undefined : true));
    if (limits) await manager.remove(cgroupName);
    await rm(dir, { recursive: true, force: true });
  });

  const b: Box = {
    dir,
    id,
    cgroupName,
    spec: (args, over = {}) => ({
      id,
      lowerDirs: [join(dir, 'rootfs')],
      upperDir: join(dir, 'upper'),
      workDir: join(dir, 'work'),
      mergedDir: join(dir, 'merged'),
      args,
      env: ['PATH=/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root'],
      cwd: '/',
      hostname: 'berth-test',
      cgroupProcs,
      logPath: join(dir, 'container.log'),
      exitPath: join(dir, 'exit.json'),
      pidPath: join(dir, 'pid'),
      ...over,
    }),
    async start(args, over) {
      const r = await startShim(b.spec(args, over));
      pids.push(r.pid, r.shimPid);
      return r;
    },
    waitExit: () =>
      waitFor('exit file', async () => {
        try {
          return JSON.parse(await readFile(join(dir, 'exit.json'), 'utf8')) as ExitInfo;
        } catch {
          return undefined;
        }
      }),
    async log() {
      let text = '';
      try {
        text = await readFile(join(dir, 'container.log'), 'utf8');
      } catch {
        return [];
      }
      return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as LogLine);
    },
  };
  return b;
}

const RFC3339NANO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/;

t.test('echo hello: JSON log, pid file, exit file', async (t) => {
  const b = await box(t);
  const { pid, shimPid } = await b.start(['echo', 'hello']);
  t.ok(pid > 0 && shimPid > 0 && pid !== shimPid);
  t.equal(await readFile(join(b.dir, 'pid'), 'utf8'), `${pid} ${shimPid}\n`, 'pid file');
  const exit = await b.waitExit();
  t.match(exit, { exitCode: 0, signal: null });
  t.match(exit.time, RFC3339NANO);
  const log = await b.log();
  t.equal(log.length, 1);
  t.match(log[0], { stream: 'stdout', log: 'hello\n' });
  t.match(log[0].time, RFC3339NANO);
  t.notOk(existsSync(join(b.dir, 'exit.json.tmp')), 'no leftover tmp file');
});

t.test('log: streams, line splitting, JSON escaping, UTF-8', async (t) => {
  const b = await box(t);
  await b.start(['sh', '-c', `printf 'one\\ntwo\\npartial'; printf 'err\\n' >&2; printf 'q"b\\\\s\\t\\001\\303\\251\\377\\n'`]);
  t.equal((await b.waitExit()).exitCode, 0);
  const log = await b.log();
  const out = log.filter((l) => l.stream === 'stdout').map((l) => l.log);
  const err = log.filter((l) => l.stream === 'stderr').map((l) => l.log);
  t.same(err, ['err\n']);
  t.ok(out.indexOf('one\n') >= 0 && out.indexOf('two\n') === out.indexOf('one\n') + 1, 'one record per line');
  t.equal(out.join(''), 'one\ntwo\npartialq"b\\s\t\u0001é\ufffd\n', 'content preserved; invalid byte -> U+FFFD');
  for (const l of log.slice(0, -1)) if (l.stream === 'stdout') t.ok(!l.log.slice(0, -1).includes('\n'), 'newline only at end');
});

t.test('exit codes: status and signals', async (t) => {
  t.test('sh -c "exit 3"', async (t) => {
    const b = await box(t);
    await b.start(['sh', '-c', 'exit 3']);
    t.match(await b.waitExit(), { exitCode: 3, signal: null });
  });
  t.test('SIGKILL -> 137', async (t) => {
    const b = await box(t);
    const { pid } = await b.start(['sleep', '1000']);
    process.kill(pid, 'SIGKILL');
    t.match(await b.waitExit(), { exitCode: 137, signal: 9 });
  });
});

t.test('namespaces, hostname, loopback, cwd, default PATH', async (t) => {
  const b = await box(t);
  const { pid } = await b.start(
    ['sh', '-c', 'hostname; pwd; cat /proc/net/dev; ip link; echo pid=$$; sleep 1000'],
    { hostname: 'box-42', cwd: '/work/here', env: ['HOME=/root'] },
  );
  for (const ns of ['pid', 'mnt', 'uts', 'ipc', 'net']) {
    t.not(await readlink(`/proc/${pid}/ns/${ns}`), await readlink(`/proc/self/ns/${ns}`), `${ns} namespace differs`);
  }
  const text = await waitFor('output', async () => {
    const s = (await b.log()).map((l) => l.log).join('');
    return s.includes('pid=') ? s : undefined;
  });
  const lines = text.split('\n');
  t.equal(lines[0], 'box-42', 'hostname');
  t.equal(lines[1], '/work/here', 'cwd created and entered');
  const ifaces = lines.filter((l) => /^\s*\w+:\s+\d/.test(l)).map((l) => l.trim().split(':')[0]);
  t.same(ifaces, ['lo'], '/proc/net/dev: only lo');
  const links = lines.filter((l) => /^\d+: /.test(l));
  t.equal(links.length, 1, 'ip link: one interface');
  t.match(links[0], /^1: lo: <[^>]*\bUP\b[^>]*>/, 'lo is up');
  t.ok(lines.includes('pid=1'), 'init is pid 1 in its namespace');
  process.kill(pid, 'SIGKILL');
  t.equal((await b.waitExit()).exitCode, 137);
});

t.test('env is exactly the spec env', async (t) => {
  const b = await box(t);
  await b.start(['/bin/env'], { env: ['A=1', 'B=two words', 'PATH=/nowhere'] });
  t.equal((await b.waitExit()).exitCode, 0);
  t.equal((await b.log()).map((l) => l.log).join(''), 'A=1\nB=two words\nPATH=/nowhere\n');
});

t.test('PATH search uses the container env', async (t) => {
  const b = await box(t);
  await t.rejects(b.start(['echo', 'x'], { env: ['PATH=/nowhere:/usr/bin'] }), { name: 'InitError', exitCode: 127 });
});

t.test('mounts: overlay root, /proc, /dev, /sys read-only', async (t) => {
  const b = await box(t);
  await b.start(['sh', '-c', 'cat /proc/self/mounts; ls /dev; { echo x > /sys/x; } 2>/dev/null || echo sys-ro; echo hi > /dev/null && echo devnull-ok; touch /newfile; stat -c %a /tmp /dev/shm']);
  t.equal((await b.waitExit()).exitCode, 0);
  const text = (await b.log()).map((l) => l.log).join('');
  t.match(text, /^overlay \/ overlay /m);
  t.match(text, /^proc \/proc proc /m);
  t.match(text, /^tmpfs \/dev tmpfs rw,nosuid/m);
  t.match(text, /^devpts \/dev\/pts devpts .*ptmxmode=666/m);
  t.match(text, /^shm \/dev\/shm tmpfs /m);
  t.match(text, /^mqueue \/dev\/mqueue mqueue /m);
  t.match(text, /^sysfs \/sys sysfs ro,/m);
  for (const n of ['null', 'zero', 'full', 'random', 'urandom', 'tty', 'fd', 'stdin', 'stdout', 'stderr', 'ptmx', 'pts', 'shm', 'mqueue']) {
    t.match(text, new RegExp(`^${n}$`, 'm'), `/dev/${n}`);
  }
  t.match(text, /^sys-ro$/m);
  t.match(text, /^devnull-ok$/m);
  t.match(text, /^1777\n1777$/m, '/tmp and /dev/shm are 1777');
  t.ok(existsSync(join(b.dir, 'upper', 'newfile')), 'writes land in the upper dir');
  t.notOk(existsSync(join(b.dir, 'rootfs', 'newfile')), 'lower dir untouched');
});

t.test('exec failures are InitErrors', async (t) => {
  const cases: Array<[string, string[], number, RegExp]> = [
    ['missing command in PATH', ['nosuchcmd'], 127, /^init: exec: "nosuchcmd": executable file not found in \$PATH \(ENOENT\)$/],
    ['missing absolute path', ['/no/such'], 127, /^init: exec: "\/no\/such": no such file or directory \(ENOENT\)$/],
    ['non-executable file', ['/etc/passwd'], 126, /^init: exec: "\/etc\/passwd": permission denied \(EACCES\)$/],
    ['directory', ['/tmp'], 126, /permission denied \(EACCES\)/],
  ];
  for (const [name, args, exitCode, message] of cases) {
    t.test(name, async (t) => {
      const b = await box(t);
      const err = await b.start(args).then(
        () => undefined,
        (e: unknown) => e,
      );
      t.ok(err instanceof InitError, 'InitError');
      t.match(err, { name: 'InitError', step: 'exec', exitCode, message });
      t.notOk(existsSync(join(b.dir, 'pid')), 'no pid file');
      t.notOk(existsSync(join(b.dir, 'exit.json')), 'no exit file');
    });
  }
  t.test('non-executable file found via PATH', async (t) => {
    const b = await box(t);
    await writeFile(join(b.dir, 'rootfs', 'bin', 'noexec'), '#!/bin/sh\n');
    await chmod(join(b.dir, 'rootfs', 'bin', 'noexec'), 0o644);
    await t.rejects(b.start(['noexec']), { name: 'InitError', exitCode: 126, errno: 13 });
  });
  t.test('setup failure names its step', async (t) => {
    const b = await box(t);
    await t.rejects(b.start(['true'], { lowerDirs: [join(b.dir, 'missing')] }), {
      name: 'InitError',
      step: 'mount-overlay',
      exitCode: 125,
      message: /^init: mount-overlay: mount overlay on .*merged: .* \(E[A-Z]+\)$/,
    });
  });
  t.test('cgroup failure', async (t) => {
    const b = await box(t);
    await t.rejects(b.start(['true'], { cgroupProcs: [join(b.dir, 'nope', 'cgroup.procs')] }), {
      name: 'InitError',
      step: 'cgroup',
      errno: 2,
      message: /^shim: cgroup: write pid to .*cgroup\.procs: no such file or directory \(ENOENT\)$/,
    });
  });
  t.test('shim binary missing / bad spec', async (t) => {
    const b = await box(t);
    await t.rejects(startShim(b.spec(['true']), { binary: join(b.dir, 'nope') }), /berth-shim/);
    await t.rejects(startShim(b.spec(['true'], { upperDir: 'relative' })), { step: 'spec', message: /upperDir must be an absolute path/ });
  });
});

t.test('memory limit: OOM kill', async (t) => {
  const b = await box(t, { memoryBytes: 16 * 1024 * 1024 });
  await b.start(['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=64M', 'count=1']);
  t.match(await b.waitExit(), { exitCode: 137, signal: 9 });
  t.equal(await cgroups.oomKilled(b.cgroupName), true, 'oomKilled');
});

t.test('no OOM without a tight limit', async (t) => {
  const b = await box(t, { memoryBytes: 256 * 1024 * 1024 });
  await b.start(['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=64M', 'count=1']);
  t.match(await b.waitExit(), { exitCode: 0 });
  t.equal(await cgroups.oomKilled(b.cgroupName), false);
});

t.test('pids limit', async (t) => {
  const b = await box(t, { pidsLimit: 4 });
  await b.start(['sh', '-c', 'for i in 1 2 3 4 5 6 7 8; do sleep 2 & done; wait; echo done']);
  t.not((await b.waitExit()).exitCode, 0, 'busybox sh exits when fork fails');
  const text = (await b.log()).map((l) => l.log).join('');
  t.match(text, /can't fork|Resource temporarily unavailable/, 'forks beyond the limit fail');
  if (cgroups.mode === 'v1') {
    const events = await readFile(join('/sys/fs/cgroup/pids', b.cgroupName, 'pids.events'), 'utf8');
    t.match(events, /^max [1-9]/m, 'pids.events counts rejected forks');
  }
});

t.test('cgroup v2: the BPF device filter holds a container to its minimal /dev', requiresCgroupV2(), async (t) => {
  // the container joins a v2 cgroup only: its v1 devices cgroup stays the root one, so the filter alone decides
  const script = 'mknod /tmp/kmsg c 1 11 && echo made; head -c 0 /tmp/kmsg 2>&1 && echo kmsg-opened; head -c 0 /dev/null && echo x > /dev/zero && echo dev-ok';
  const confined = await box(t, { devices: deviceRules() }, unified);
  await confined.start(['sh', '-c', script], { security: securitySpec() });
  t.match(await confined.waitExit(), { exitCode: 0 });
  const text = (await confined.log()).map((l) => l.log).join('');
  t.match(text, /^made$/m, 'mknod is allowed, as in Docker');
  t.match(text, /\/tmp\/kmsg'?: Operation not permitted/, 'but the node cannot be opened');
  t.notMatch(text, /kmsg-opened/);
  t.match(text, /^dev-ok$/m, '/dev/null and /dev/zero open');
  const privileged = await box(t, { devices: deviceRules({ privileged: true }) }, unified);
  await privileged.start(['sh', '-c', script], { security: securitySpec({ privileged: true }) });
  t.match(await privileged.waitExit(), { exitCode: 0 });
  t.match((await privileged.log()).map((l) => l.log).join(''), /^kmsg-opened$/m, 'privileged: the same node opens');
});

t.test('cleanup: after exit and cgroup remove nothing is left', async (t) => {
  const b = await box(t, { memoryBytes: 64 * 1024 * 1024, pidsLimit: 64 });
  const { pid, shimPid } = await b.start(['sh', '-c', 'sleep 1000 & sleep 1000 & echo started; wait']);
  await waitFor('started', async () => ((await b.log()).length ? true : undefined));
  const mountinfo = async () => (await readFile('/proc/self/mountinfo', 'utf8')).split('\n').filter((l) => l.includes(b.dir));
  t.same(await mountinfo(), [], 'container mounts are not visible on the host');
  // remove kills the whole container (init + children) through the cgroup
  await cgroups.remove(b.cgroupName);
  t.match(await b.waitExit(), { exitCode: 137, signal: 9 });
  await waitFor('shim exit', async () => ((await alive(shimPid)) ? undefined : true));
  t.notOk(await alive(pid), 'container init gone');
  t.notOk(await cgroups.exists(b.cgroupName), 'cgroup gone');
  for (const c of ['memory', 'pids', 'cpu', 'freezer']) {
    t.notOk(existsSync(join('/sys/fs/cgroup', c, b.cgroupName)), `${c} cgroup dir gone`);
  }
  t.same(await mountinfo(), [], 'no mounts under the test dir');
  await cgroups.remove(b.cgroupName); // idempotent
});

t.test('cleanup: container exits by itself, then cgroup remove', async (t) => {
  const b = await box(t, { pidsLimit: 16 });
  const { pid, shimPid } = await b.start(['sh', '-c', 'echo bye']);
  t.match(await b.waitExit(), { exitCode: 0 });
  await waitFor('shim exit', async () => ((await alive(shimPid)) ? undefined : true));
  t.notOk(await alive(pid), 'container init gone');
  await cgroups.remove(b.cgroupName);
  t.notOk(await cgroups.exists(b.cgroupName), 'cgroup gone');
  t.same((await readFile('/proc/self/mountinfo', 'utf8')).split('\n').filter((l) => l.includes(b.dir)), [], 'no mounts');
});

t.test('a shim that dies without reporting: clear error with its stderr', async (t) => {
  const b = await box(t);
  const fake = join(b.dir, 'fake-shim');
  await writeFile(fake, '#!/bin/sh\necho "boom: something broke" >&2\nexit 3\n', { mode: 0o755 });
  await t.rejects(startShim(b.spec(['true']), { binary: fake }), {
    message: /^berth-shim exited with code 3 without reporting a result; stderr: boom: something broke$/,
  });
});

t.test('shim survives its spawner and is detached', async (t) => {
  const b = await box(t);
  const { pid, shimPid } = await b.start(['sleep', '1000']);
  const status = await readFile(`/proc/${shimPid}/status`, 'utf8');
  t.not(Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]), process.pid, 'not our child');
  const rssKb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1]);
  t.ok(rssKb < 1024, `shim RSS ${rssKb} kB < 1 MiB`);
  const stat = await readFile(`/proc/${shimPid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  t.equal(Number(fields[3]), shimPid, 'shim is a session leader (setsid)');
  const { readdir } = await import('node:fs/promises');
  const expected = [join(b.dir, 'container.log'), 'pipe', 'pipe'];
  const readFds = async () => {
    const fds = (await readdir(`/proc/${shimPid}/fd`)).map(Number).sort((a, b) => a - b);
    return Promise.all(fds.map((fd) => readlink(`/proc/${shimPid}/fd/${fd}`).catch(() => 'gone')));
  };
  // The shim closes its report pipe right after reporting, which may be a moment after we hear it.
  let targets = await readFds();
  for (let i = 0; i < 50 && targets.length > 3 + expected.length; i++) {
    await new Promise((r) => setTimeout(r, 20));
    targets = await readFds();
  }
  t.same(targets.slice(0, 3), ['/dev/null', '/dev/null', '/dev/null'], 'stdio is /dev/null');
  t.same(targets.slice(3).map((l) => l.replace(/:\[\d+\]$/, '')).sort(), expected, 'only the log + the 2 output pipes otherwise');
  process.kill(pid, 'SIGKILL');
  t.equal((await b.waitExit()).exitCode, 137);
});

t.test('starts go through one spawner, which dies without its shims and is started again', async (t) => {
  const ppid = async (pid: number) => Number(/^PPid:\s+(\d+)/m.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1]);
  const first = await box(t);
  const a = await first.start(['sleep', '1000']);
  const second = await box(t);
  const b = await second.start(['sleep', '1000']);
  const spawner = await ppid(a.shimPid);
  t.equal(await ppid(b.shimPid), spawner, 'both shims were forked by one process');
  t.equal(await ppid(spawner), process.pid, 'which is our child');
  t.equal((await readFile(`/proc/${spawner}/comm`, 'utf8')).trim(), 'berth-shim', 'a berth-shim');
  t.equal((await readFile(`/proc/${spawner}/cmdline`, 'utf8')).split('\0')[1], 'spawner');
  process.kill(spawner, 'SIGKILL');
  await waitFor('the spawner to end', async () => ((await alive(spawner)) ? undefined : true));
  t.ok(await alive(a.shimPid) && await alive(a.pid), 'its shims and their containers run on');
  const third = await box(t);
  const c = await third.start(['sleep', '1000']);
  const respawned = await ppid(c.shimPid);
  t.not(respawned, spawner, 'a start after its death has a new spawner');
  t.equal(await ppid(respawned), process.pid, 'our child again');
  process.kill(c.pid, 'SIGKILL');
  t.equal((await third.waitExit()).exitCode, 137, 'and its container ran');
  process.kill(a.pid, 'SIGKILL');
  t.equal((await first.waitExit()).exitCode, 137, 'a shim the dead spawner forked still reports its container\'s end');
});

t.test('once the container runs, the shim monitors it from a fresh image of itself (berth-shim pump)', async (t) => {
  const b = await box(t);
  const { pid, shimPid } = await b.start(['sh', '-c', 'read line; echo "got $line"; exit 4'], {
    stdin: true, sockPath: join(b.dir, 'attach.sock'), logAttrs: '{"API_KEY":"hunter2"}',
  });
  // The shim executes itself right after it reported: a moment after we heard it.
  const argv = await waitFor('the shim\'s exec', async () => {
    const args = (await readFile(`/proc/${shimPid}/cmdline`, 'utf8')).split('\0');
    return args[1] === 'pump' ? args : undefined;
  });
  t.equal(Number(argv[2]), pid, 'the same process, still the container\'s parent');
  t.notOk(argv.join(' ').includes('hunter2'), 'the log\'s attributes are not in its arguments, which every user can read');
  // The pump names itself (prctl) a moment after its exec: wait for that, it is not instant either.
  const comm = await waitFor('the pump\'s name', async () => {
    const name = (await readFile(`/proc/${shimPid}/comm`, 'utf8')).trim();
    return name === 'berth-shim' ? name : undefined;
  }).catch(async () => (await readFile(`/proc/${shimPid}/comm`, 'utf8')).trim());
  t.equal(comm, 'berth-shim', 'known to the daemon by its name');
  t.equal(await readFile(`/proc/${shimPid}/environ`, 'utf8'), '', 'with no environment');
  t.equal(Number(/^PPid:\s+(\d+)/m.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1]), shimPid, 'the container is its child');
  // The pipes and the log crossed the exec: stdin reaches the container, its output the log, its exit the exit file.
  const { connect } = await import('node:net');
  const sock = connect(join(b.dir, 'attach.sock'));
  await new Promise<void>((resolve, reject) => sock.once('connect', resolve).once('error', reject));
  const line = Buffer.from('hello\n');
  sock.write(Buffer.concat([Buffer.from([0x69, 0, line.length]), line]));
  t.match(await b.waitExit(), { exitCode: 4, signal: null });
  sock.destroy();
  t.same((await b.log()).map((l) => ({ log: l.log, attrs: (l as { attrs?: unknown }).attrs })), [{ log: 'got hello\n', attrs: { API_KEY: 'hunter2' } }], 'each record carries them');
});

t.test('startShim latency for /bin/true (median of 20)', async (t) => {
  const b = await box(t);
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    await rm(join(b.dir, 'exit.json'), { force: true });
    const t0 = performance.now();
    await b.start(['/bin/true']);
    times.push(performance.now() - t0);
    t.equal((await b.waitExit()).exitCode, 0);
  }
  times.sort((a, b) => a - b);
  const median = (times[9] + times[10]) / 2;
  t.comment(`startShim(/bin/true): median ${median.toFixed(1)} ms, min ${times[0].toFixed(1)} ms, max ${times[19].toFixed(1)} ms`);
});
