/** Docker's default isolation, held against a hostile root process inside the container. */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { startEngine } from '../helpers/engine.js';
import { makeHostileTar, parseHostile } from '../helpers/hostile.js';
import { DEFAULT_SHIM_BINARY } from '../../runtime/process/shim.js';
import { capabilityMask, DEFAULT_CAPABILITIES } from '../../runtime/security/capabilities.js';
import { gateFile, requiresCompiler, requiresEngine } from '../helpers/gates.js';
import { waitFor } from '../helpers/waitFor.js';

gateFile(requiresEngine(), requiresCompiler());

const engine = await startEngine(t);
await engine.ok(['import', await makeHostileTar(engine.dir), 'hostile']);

const statusField = (status: string, field: string) => new RegExp(`^${field}:\\s*(\\S+)$`, 'm').exec(status)?.[1];

t.test('root inside holds only Docker\'s default capabilities, under seccomp', async (t) => {
  const out = await engine.ok(['run', '--rm', 'hostile', 'cat', '/proc/self/status']);
  const mask = BigInt(capabilityMask(DEFAULT_CAPABILITIES));
  t.equal(BigInt(`0x${statusField(out, 'CapEff')}`), mask, 'effective');
  t.equal(BigInt(`0x${statusField(out, 'CapPrm')}`), mask, 'permitted');
  t.equal(BigInt(`0x${statusField(out, 'CapBnd')}`), mask, 'bounding');
  t.equal(BigInt(`0x${statusField(out, 'CapInh')}`), 0n, 'inheritable');
  t.equal(BigInt(`0x${statusField(out, 'CapAmb')}`), 0n, 'ambient');
  t.equal(statusField(out, 'Seccomp'), '2', 'a seccomp filter');
  t.equal(statusField(out, 'NoNewPrivs'), '0', 'no_new_privs off by default, as in Docker');
  const nnp = await engine.ok(['run', '--rm', '--security-opt', 'no-new-privileges', 'hostile', 'cat', '/proc/self/status']);
  t.equal(statusField(nnp, 'NoNewPrivs'), '1', '--security-opt no-new-privileges');
  const added = await engine.ok(['run', '--rm', '--cap-add', 'NET_ADMIN', '--cap-drop', 'chown', 'hostile', 'cat', '/proc/self/status']);
  const want = BigInt(capabilityMask([...DEFAULT_CAPABILITIES.filter((c) => c !== 'CHOWN'), 'NET_ADMIN']));
  t.equal(BigInt(`0x${statusField(added, 'CapEff')}`), want, '--cap-add and --cap-drop');
  const privileged = await engine.ok(['run', '--rm', '--privileged', 'hostile', 'cat', '/proc/self/status']);
  t.equal(statusField(privileged, 'Seccomp'), '0', '--privileged: no filter');
  t.equal(BigInt(`0x${statusField(privileged, 'CapEff')}`), BigInt(`0x${statusField(await fs.readFile('/proc/self/status', 'utf8'), 'CapBnd')}`), '--privileged: every capability the host has');
  const unconfined = await engine.ok(['run', '--rm', '--security-opt', 'seccomp=unconfined', 'hostile', 'cat', '/proc/self/status']);
  t.equal(statusField(unconfined, 'Seccomp'), '0', 'seccomp=unconfined');
});

t.test('a hostile root process is held in', async (t) => {
  const run = await engine.berth(['run', '--rm', 'hostile', '/hostile']);
  t.equal(run.code, 0, run.stderr);
  const r = parseHostile(run.stdout);
  for (const name of ['mount', 'umount2', 'init_module', 'finit_module', 'delete_module', 'unshare', 'unshare_user', 'setns',
    'reboot', 'kexec_load', 'keyctl', 'bpf', 'perf_event_open', 'swapon', 'pivot_root', 'open_by_handle_at', 'clock_settime',
    'settimeofday', 'acct', 'personality_bad', 'clone_newnet']) {
    t.equal(r[name], 'EPERM', `${name} is refused`);
  }
  t.equal(r.personality_query, 'ok', 'personality(0xffffffff) only queries, and is allowed');
  const hasSysrq = await fs.access('/proc/sysrq-trigger').then(() => true, () => false);
  t.equal(r.sysrq, hasSysrq ? 'EROFS' : 'ENOENT', hasSysrq ? '/proc/sysrq-trigger is read-only' : 'this kernel has no /proc/sysrq-trigger');
  t.equal(r.proc_sys_write, 'EROFS', '/proc/sys is read-only');
  t.equal(r.mknod, 'ok', 'mknod is allowed, as in Docker');
  t.equal(r.open_mknod, 'EPERM', 'but the device cgroup refuses to open the node');
  t.equal(r.chroot, 'ok', 'chroot is allowed (SYS_CHROOT)');
  t.equal(r.vsock, 'EPERM', 'socket(AF_VSOCK) is refused, as in Docker');
  const none = parseHostile((await engine.ok(['run', '--rm', '--network', 'none', '--cap-add', 'NET_ADMIN', 'hostile', '/hostile'])));
  t.equal(none.vsock, 'EPERM', 'with --network none and NET_ADMIN too');
  const node = 'mknod /tmp/kmsg c 1 11 && head -c 0 /tmp/kmsg 2>&1 && echo opened';
  t.match(await engine.ok(['run', '--rm', 'hostile', 'sh', '-c', `${node}; true`]), /Operation not permitted/, 'a node made with mknod cannot be opened');
  t.equal(await engine.ok(['run', '--rm', '--privileged', 'hostile', 'sh', '-c', node]), 'opened\n', '--privileged may open devices');
});

t.test('masked paths, host processes, /proc/self/root', async (t) => {
  const paths = ['/proc/kcore', '/proc/keys', '/proc/timer_list', '/proc/sched_debug', '/proc/latency_stats', '/proc/scsi', '/proc/acpi', '/sys/firmware'];
  const script = `for p in ${paths.join(' ')}; do if [ -d $p ]; then echo "$p $(ls -A $p | wc -l)"; elif [ -e $p ]; then echo "$p $(cat $p | wc -c)"; else echo "$p absent"; fi; done`;
  const masked = Object.fromEntries((await engine.ok(['run', '--rm', 'hostile', 'sh', '-c', script])).trim().split('\n').map((l) => l.split(' ')));
  for (const p of paths) {
    const onHost = await fs.access(p).then(() => true, () => false);
    t.equal(masked[p], onHost ? '0' : 'absent', onHost ? `${p} is masked` : `${p}: not on this kernel`);
  }
  const procs = await engine.berth(['run', '--rm', 'hostile', 'ls', '-d', '/proc/1', '/proc/2']);
  t.equal(procs.stdout, '/proc/1\n', 'the container\'s process is pid 1');
  t.match(procs.stderr, /\/proc\/2: No such file/, 'and no other process is visible');
  const count = await engine.ok(['run', '--rm', 'hostile', 'sh', '-c', 'ls -d /proc/[0-9]* | wc -l']);
  t.ok(Number(count.trim()) <= 3, `the shell sees ${count.trim()} processes: itself, ls and wc`);
  const escape = await engine.berth(['run', '--rm', 'hostile', 'sh', '-c',
    `ls /proc/self/root/../../.. | sort | tr '\\n' ' '; echo; ls -d /proc/self/root${engine.dir} 2>&1; readlink /proc/1/root`]);
  const [listing, hostDir, root] = escape.stdout.trim().split('\n');
  t.equal(listing.trim(), (await engine.ok(['run', '--rm', 'hostile', 'sh', '-c', "ls / | sort | tr '\\n' ' '"])).trim(), '/proc/self/root/../.. is the container root');
  t.match(hostDir, /No such file/, 'the host\'s directories are out of reach');
  t.equal(root, '/', 'pid 1\'s root is /');
});

t.test('limits cannot be raised from inside', async (t) => {
  const raise = await engine.berth(['run', '--rm', '--ulimit', 'nofile=100:200', 'hostile', 'sh', '-c', 'ulimit -n; ulimit -Hn; ulimit -Hn 400 2>&1; ulimit -Hn']);
  const lines = raise.stdout.trim().split('\n');
  t.equal(lines[0], '100', '--ulimit soft');
  t.equal(lines[1], '200', '--ulimit hard');
  t.equal(lines[lines.length - 1], '200', 'the hard limit stays');
  const cg = await engine.berth(['run', '--rm', '--pids-limit', '10', 'hostile', 'sh', '-c', '(echo max > /sys/fs/cgroup/pids.max) 2>&1; cat /proc/self/cgroup']);
  t.match(cg.stdout, /Read-only file system|No such file|can't create/, 'no cgroup file to write');
  t.match(cg.stdout, /^\d+:pids:\/$/m, 'a private cgroup namespace: the container\'s cgroup is its root');
  const over = await engine.berth(['run', '--rm', '--ulimit', 'nofile=30000:30000', 'hostile', 'true']);
  t.equal(over.code, 125, 'a hard limit above the engine\'s own cannot be given');
  t.match(over.stderr, /init: rlimit: setrlimit 7 to 30000:30000: operation not permitted \(EPERM\)/i);
});

t.test('a fork bomb meets the pids limit, and the host stays responsive', async (t) => {
  const id = (await engine.ok(['run', '-d', '--pids-limit', '64', 'hostile', 'sh', '-c', 'b() { b | b & }; b; sleep 1000'])).trim();
  const meetsLimit = async () => /^max [1-9]/m.test(await fs.readFile(`/sys/fs/cgroup/pids/berth/${id}/pids.events`, 'utf8'));
  await waitFor(meetsLimit, { what: 'the fork bomb to meet the pids limit', timeoutMs: 60_000 });
  const started = Date.now();
  const hostCheck = await engine.ok(['run', '--rm', 'hostile', 'echo', 'alive']);
  t.equal(hostCheck, 'alive\n', 'another container still runs');
  // How long it took is a figure, not a check: tests hold no timing assertions (10.6 s at load 20+).
  t.comment(`another container ran in ${Date.now() - started} ms beside the bomb`);
  const pidsCurrent = Number(await fs.readFile(`/sys/fs/cgroup/pids/berth/${id}/pids.current`, 'utf8').catch(() => '0'));
  t.ok(pidsCurrent <= 64, `the bomb holds ${pidsCurrent} of 64 pids`);
  await engine.ok(['rm', '-f', id]);
});

t.test('--read-only, -u, --network host', async (t) => {
  const ro = await engine.berth(['run', '--rm', '--read-only', 'hostile', 'sh', '-c', 'touch /x 2>&1; touch /dev/shm/ok && echo shm-ok']);
  t.match(ro.stdout, /Read-only file system/);
  t.match(ro.stdout, /shm-ok/, '/dev/shm stays writable');
  const app = await engine.ok(['run', '--rm', '-u', 'app', 'hostile', 'sh', '-c', 'id; echo $HOME; grep Cap[EP] /proc/self/status']);
  t.match(app, /uid=1000\(app\) gid=1000\(app\) groups=/, 'user and primary group');
  t.same(/groups=(\S+)/.exec(app)![1].split(',').sort(), ['1000(app)', '10(wheel)', '50(staff)'].sort(), 'supplementary groups from /etc/group');
  t.match(app, /\/home\/app/, 'HOME from /etc/passwd');
  t.match(app, /CapEff:\s+0+\n/, 'no effective capabilities for a non-root user');
  t.match(await engine.ok(['run', '--rm', '-u', '1234:50', 'hostile', 'id']), /uid=1234 gid=50\(staff\)/, 'numeric uid:gid');
  const unknown = await engine.berth(['run', '--rm', '-u', 'nobody-here', 'hostile', 'true']);
  t.equal(unknown.code, 125);
  t.match(unknown.stderr, /unable to find user nobody-here/);
  // A uid or gid past 2^32-2 would wrap (4294967296 is 0: root): refused, by flag or by image.
  for (const user of ['4294967296', '4294967295', '0:4294967296', '99999999999999999999']) {
    const wrapped = await engine.berth(['run', '--rm', '-u', user, 'hostile', 'id', '-u']);
    t.equal(wrapped.code, 125, `-u ${user} is refused`);
    t.match(wrapped.stderr, /ids range from 0 to 4294967294/);
    t.equal(wrapped.stdout, '', 'and nothing ran');
  }
  t.equal(await engine.ok(['run', '--rm', '-u', '4294967294', 'hostile', 'id', '-u']), '4294967294\n', 'the largest id runs');
  await engine.ok(['import', '--change', 'USER 4294967296', await makeHostileTar(engine.dir), 'wrapped-user']);
  const byImage = await engine.berth(['run', '--rm', 'wrapped-user', 'id', '-u']);
  t.equal(byImage.code, 125, 'an image whose User wraps is refused');
  t.match(byImage.stderr, /ids range from 0 to 4294967294/);
  const host = await engine.ok(['run', '--rm', '--network', 'host', 'hostile', 'sh', '-c', 'ls /sys/class/net | wc -l']);
  const hostCount = (await fs.readdir('/sys/class/net')).length;
  t.equal(Number(host.trim()), hostCount, '--network host sees the host\'s interfaces');
});

// CVE-2019-5736's pattern: every shim process a container can see (an exec's child before it
// execs, the shim re-run through "#!/proc/self/exe") runs from a read-only overlay view of its
// binary or a sealed memfd copy, never from the host's file (runtime/native/sealedcopy.c).
t.test('the shim a container can reach is a sealed view or copy, not the host\'s binary', async (t) => {
  const sha256 = async (file: string) => createHash('sha256').update(await fs.readFile(file)).digest('hex');
  const before = await sha256(DEFAULT_SHIM_BINARY);
  const fixture = path.join(engine.dir, 'shimcatch');
  await fs.mkdir(fixture);
  const source = fileURLToPath(new URL('../../../test/fixtures/shimcatch.c', import.meta.url));
  await promisify(execFile)('cc', ['-static', '-O1', '-o', path.join(fixture, 'shimcatch'), source]);
  const id = (await engine.ok(['run', '-d', '-v', `${fixture}:/fixture:ro`, 'hostile', 'sh', '-c',
    'printf "#!/proc/self/exe\\n" > /evil && chmod +x /evil && exec /fixture/shimcatch'])).trim();
  t.teardown(() => engine.berth(['rm', '-f', id]));

  const pid = (await engine.inspect(id)).State.Pid as number;
  const shimPid = Number(/^PPid:\s*(\d+)$/m.exec(await fs.readFile(`/proc/${pid}/status`, 'utf8'))![1]);
  const shimExe = `/proc/${shimPid}/exe`;
  const memfd = /^\/memfd:berth-shim/.test(await fs.readlink(shimExe));
  // the overlay view refuses even host root's write; a memfd copy is sealed (its own test below)
  const hostWrite = memfd ? 'memfd' : await fs.open(shimExe, 'a').then(async (h) => { await h.close(); return 'opened'; }, (e: NodeJS.ErrnoException) => e.code);
  t.ok(memfd || hostWrite === 'EROFS', `the container's shim runs from a sealed view (opening it for writing: ${hostWrite}) or a memfd copy`);
  t.not(await fs.readlink(shimExe), DEFAULT_SHIM_BINARY, 'not from the host\'s file');
  t.equal((await fs.readFile(`/proc/${shimPid}/comm`, 'utf8')).trim(), 'berth-shim', 'and keeps its name');

  await waitFor(async () => (await engine.ok(['logs', id])).includes('ready'), { what: 'shimcatch to start' });
  // each exec's child is the shim until it execs /evil, whose interpreter is the shim again
  let log = '';
  for (let i = 0; i < 40 && !/^(done|timeout)$/m.test(log); i++) {
    await engine.berth(['exec', id, '/evil']);
    log = await engine.ok(['logs', id]);
  }
  const seen = Object.fromEntries(log.trim().split('\n').map((line) => [line.split(' ')[0], line.slice(line.indexOf(' ') + 1)]));
  t.ok('done' in seen, `shimcatch caught the shim inside the container:\n${log}`);
  t.not(seen.exe, DEFAULT_SHIM_BINARY, '/proc/<pid>/exe is not the host\'s file');
  // Which shim it caught depends on timing: an exec's child, before it execs /evil, runs from
  // an overlay view as the container's shim does; the shim re-run through "#!/proc/self/exe"
  // starts from that view, which has no path to stack again, so it re-executes from a sealed
  // memfd copy.
  const caughtMemfd = /^\/memfd:berth-shim/.test(seen.exe ?? '');
  t.match(seen.exe, memfd ? /^\/memfd:berth-shim/ : /^\/(berth-shim|memfd:berth-shim \(deleted\))$/,
    `and is the overlay view or (re-run inside the container) a memfd copy: ${seen.exe}`);
  t.match(seen['open-write'], caughtMemfd ? /^(EPERM|ETXTBSY)$/ : /^EROFS$/, 'opening it for writing fails while it runs');
  // after it is gone, a kept read descriptor of a memfd reopens for writing (a memfd has no
  // ETXTBSY then), and F_SEAL_WRITE refuses the write itself; the overlay view stays read-only
  if (!caughtMemfd) t.equal(seen['reopen-write'], 'EROFS', 'nor through a descriptor kept after it is gone');
  t.equal(seen.write, seen['reopen-write'] === 'ok' ? 'EPERM' : 'skipped', `no byte is written (reopen-write ${seen['reopen-write']})`);
  t.equal(await sha256(DEFAULT_SHIM_BINARY), before, 'the host\'s berth-shim is unchanged');
});
