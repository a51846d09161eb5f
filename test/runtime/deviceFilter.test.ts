/**
 * The cgroup v2 device filter on this machine's cgroup2 mount: a process in a cgroup made by
 * CgroupV2Manager opens the devices of the minimal /dev and no other, while the same nodes open
 * outside it. The process stays in the root v1 devices cgroup, so the BPF program alone decides.
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';

import { EBPF, encodeDeviceFilter } from '../../runtime/cgroups/deviceFilter.js';
import { CgroupV2Manager } from '../../runtime/cgroups/v2.js';
import { DEFAULT_DEVFILTER_BINARY } from '../../runtime/cgroups/v2Devices.js';
import { deviceRules } from '../../runtime/security/devices.js';
import { cgroupV2Mount, gateFile, requiresCgroupV2, requiresNativeBinaries, requiresRoot } from '../helpers/gates.js';

gateFile(requiresRoot(), requiresNativeBinaries());

const UNIFIED = cgroupV2Mount();
const run = promisify(execFile);

/** Opens each node (head -c 0) and says why not, one line each: "<path>|<error, or nothing>". */
const PROBE = 'for f in "$@"; do echo "$f|$(head -c 0 "$f" 2>&1 >/dev/null | sed "s/.*: //")"; done';

/** Runs `script` in a shell that first joins `procs` (when given): it waits for a word on stdin. */
async function shell(script: string, args: string[], procs?: string): Promise<string> {
  const child = spawn('/bin/busybox', ['sh', '-c', `read go; ${script}`, 'sh', ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const out: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  if (procs) {
    await writeFile(procs, String(child.pid));
    const cgroups = await readFile(`/proc/${child.pid}/cgroup`, 'utf8');
    if (!/^\d+:devices:\/$/m.test(cgroups)) throw new Error(`the shell is not in the root v1 devices cgroup:\n${cgroups}`);
  }
  child.stdin.end('go\n');
  const code = await closed;
  if (code !== 0) throw new Error(`the shell exited with ${code}`);
  return Buffer.concat(out).toString('utf8');
}

/** The probe's answers: path -> "ok" or the error. */
async function probe(files: string[], procs?: string): Promise<Map<string, string>> {
  const answers = new Map<string, string>();
  for (const line of (await shell(PROBE, files, procs)).split('\n').filter(Boolean)) {
    const [path, error] = line.split('|');
    answers.set(path, error || 'ok');
  }
  return answers;
}

t.test('a BPF device filter from the default rules', requiresCgroupV2(), async (t) => {
  const m = new CgroupV2Manager({ root: UNIFIED });
  const parent = `berth-test-devfilter-${process.pid}`;
  const name = `${parent}/${randomBytes(32).toString('hex')}`;
  const dir = await mkdtemp(join(tmpdir(), 'berth-devfilter-'));
  t.teardown(async () => {
    await m.remove(name);
    await rmdir(join(UNIFIED, parent)).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });
  const kmsg = join(dir, 'kmsg');
  const loop = join(dir, 'loop0');
  const zero = join(dir, 'zero');
  await run('mknod', [kmsg, 'c', '1', '11']);
  await run('mknod', [loop, 'b', '7', '0']);
  await run('mknod', [zero, 'c', '1', '5']);
  const { procsFiles } = await m.create(name, { devices: deviceRules() });

  const inside = await probe(['/dev/null', zero, kmsg, loop], procsFiles[0]);
  t.equal(inside.get('/dev/null'), 'ok', '/dev/null opens');
  t.equal(inside.get(zero), 'ok', 'a node of an allowed device opens wherever it is');
  t.equal(inside.get(kmsg), 'Operation not permitted', 'c 1:11 (/dev/kmsg) is refused');
  t.equal(inside.get(loop), 'Operation not permitted', 'b 7:0 (loop0) is refused');

  const outside = await probe([kmsg, loop]);
  t.equal(outside.get(kmsg), 'ok', 'the same node opens outside the cgroup');
  t.not(outside.get(loop), 'Operation not permitted', `outside, loop0 is up to its driver (${outside.get(loop)})`);

  const made = await shell('mknod "$1" c 1 11 && echo made', [join(dir, 'made')], procsFiles[0]);
  t.equal(made, 'made\n', 'mknod of any node is allowed, as in Docker');

  await m.create(name, { devices: deviceRules({ privileged: true }) });
  const privileged = await probe([kmsg], procsFiles[0]);
  t.equal(privileged.get(kmsg), 'ok', 'create again (privileged): the filter is replaced, every device opens');
});

t.test('a cgroup the filter cannot be attached to: one clear line', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'berth-devfilter-fake-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  const m = new CgroupV2Manager({ root });
  await t.rejects(m.create('berth/x', { devices: deviceRules() }),
    /^cgroup v2: cannot limit device access for \S+\/berth\/x: berth-devfilter: attach the device filter to the cgroup: .+ \(E[A-Z]+\)$/);
});

t.test('a program the verifier refuses: its reason in the one line', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-devfilter-bad-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  // "exit" alone: r0 was never set
  const program = encodeDeviceFilter([{ code: EBPF.EXIT, dst: 0, src: 0, off: 0, imm: 0 }]);
  const child = spawn(DEFAULT_DEVFILTER_BINARY, [dir], { stdio: ['pipe', 'ignore', 'pipe'] });
  const stderr: Buffer[] = [];
  child.stderr.on('data', (b: Buffer) => stderr.push(b));
  const code = new Promise((resolve) => child.on('close', resolve));
  child.stdin.end(program);
  t.equal(await code, 1);
  t.match(Buffer.concat(stderr).toString(), /^berth-devfilter: load the device filter: Permission denied \(EACCES\): verifier: R0 !read_ok\n$/);
});
