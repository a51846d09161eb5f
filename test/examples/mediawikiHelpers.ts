/**
 * For test/examples/mediawiki.test.ts: a small PNG to upload, what an engine and its namespace
 * hold of a project (to check that `down -v` leaves nothing), and a "reboot" of the engine.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { cgroupDirsOf, type Engine } from '../helpers/engine.js';
import type { NetworkNamespace } from '../helpers/netns.js';
import { waitFor } from '../helpers/waitFor.js';
import { isAlive } from '../../runtime/processes.js';

function crc32(bytes: Buffer): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A 4×4 RGB PNG whose pixels are a gradient: a real image MediaWiki accepts as image/png. */
export const PNG: Buffer = (() => {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(4, 0);
  header.writeUInt32BE(4, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = Array.from({ length: 4 }, (_, y) => Buffer.from([0, ...Array.from({ length: 4 }, (_, x) => [x * 60, y * 60, 200]).flat()]));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
})();

export interface ProjectState {
  containers: string[];
  containerIds: string[];
  /** The containers' main processes and every process in their cgroups. */
  pids: number[];
  volumes: string[];
  networks: string[];
  /** Mount points under the engine's dirs, in the host's mount namespace. */
  mounts: string[];
  /** veth links in the engine's namespace. */
  veths: string[];
  /** berth's nft table in the engine's namespace ('' when there is none). */
  rules: string;
}

const lines = (text: string) => text.split('\n').filter(Boolean);

async function cgroupPids(id: string): Promise<number[]> {
  const pids: number[] = [];
  for (const dir of await cgroupDirsOf(id)) pids.push(...lines(await fs.readFile(path.join(dir, 'cgroup.procs'), 'utf8').catch(() => '')).map(Number));
  return pids;
}

export async function projectState(engine: Engine, netns: NetworkNamespace): Promise<ProjectState> {
  const containerIds = lines(await engine.ok(['ps', '-aq', '--no-trunc']));
  const pids: number[] = [];
  for (const id of containerIds) {
    pids.push((await engine.inspect(id)).State.Pid, ...(await cgroupPids(id)));
  }
  const mountinfo = await fs.readFile('/proc/self/mountinfo', 'utf8');
  let rules = '';
  try { rules = execFileSync(netns.prefix[0], [...netns.prefix.slice(1), 'nft', 'list', 'table', 'inet', 'berth'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString(); } catch { /* no table */ }
  return {
    containers: lines(await engine.ok(['ps', '-a', '--format', '{{.Names}}'])),
    containerIds,
    pids: pids.filter((pid) => pid > 0),
    volumes: lines(await engine.ok(['volume', 'ls', '-q'])),
    networks: lines(await engine.ok(['network', 'ls', '--format', '{{.Name}}'])),
    mounts: lines(mountinfo).map((line) => line.split(' ')[4]).filter((point) => point.startsWith(engine.dir)),
    veths: lines(netns.ip('-o', 'link', 'show', 'type', 'veth')),
    rules,
  };
}

/**
 * A reboot, as far as the engine can tell: the daemon, the nats-server, every shim and every
 * container process killed (SIGKILL, nothing stopped cleanly), the mounts under the engine's
 * dirs undone, the container cgroups removed, the run root wiped, and the namespace's links and
 * rules gone. The data root (the event log, images and volumes) is the disk that survives.
 */
export async function wipeRunState(engine: Engine, netns: NetworkNamespace): Promise<void> {
  const ids = lines(await engine.ok(['ps', '-aq', '--no-trunc']));
  // A container's shim is the parent of its main process.
  const shims: number[] = [];
  for (const id of ids) {
    const pid = (await engine.inspect(id)).State.Pid as number;
    const parent = pid > 0 ? Number(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1]) : 0;
    if (parent > 1 && commandLine(parent).includes('berth-shim')) shims.push(parent);
  }
  const nats = await engine.natsPid();
  await engine.killDaemon('SIGKILL');
  const victims = [...shims, ...(nats ? [nats] : [])];
  for (const id of ids) victims.push(...(await cgroupPids(id)));
  for (const pid of victims) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
  await waitFor(() => victims.every((pid) => !isAlive(pid)), { what: 'every process of the engine to die', timeoutMs: 30_000 });
  for (const id of ids) for (const dir of await cgroupDirsOf(id)) await waitFor(() => fs.rmdir(dir).then(() => true, () => false), { what: `rmdir ${dir}` });
  const mountinfo = await fs.readFile('/proc/self/mountinfo', 'utf8');
  const points = lines(mountinfo).map((line) => line.split(' ')[4]).filter((point) => point.startsWith(engine.dir));
  for (const point of points.reverse()) execFileSync('umount', ['-l', point]);
  await fs.rm(engine.runRoot, { recursive: true, force: true });
  for (const link of lines(netns.ip('-o', 'link', 'show')).map((line) => line.split(': ')[1].split('@')[0])) {
    if (link !== 'lo') { try { netns.ip('link', 'del', link); } catch { /* a veth gone with its peer */ } }
  }
  execFileSync(netns.prefix[0], [...netns.prefix.slice(1), 'nft', 'flush', 'ruleset']);
}

/** A process's command line, its arguments joined by spaces ('' once it is gone). */
function commandLine(pid: number): string {
  try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '); } catch { return ''; }
}
