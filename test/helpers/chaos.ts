/** Shared by the chaos tests: what the engine records of its containers, and what the kernel has. */
import fs from 'node:fs/promises';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { cgroupDirsOf, type Engine } from './engine.js';

const run = promisify(execFile);

/**
 * How long a read may take: a long run shares the machine (nice 19 at load 20 made a 60 s read
 * time out); a read that answers is never slower for it.
 */
const READ_MS = 300_000;

export interface Seen { id: string; status: string; pid: number }

/** Every container as `inspect` shows it (some may be removed between ps and inspect). */
export async function containers(engine: Engine): Promise<Seen[]> {
  const ps = await engine.berth(['ps', '-aq', '--no-trunc'], { timeoutMs: READ_MS });
  if (ps.code !== 0) throw new Error(`ps exited ${ps.code}: ${ps.stderr}`);
  const ids = ps.stdout.split('\n').filter(Boolean);
  if (!ids.length) return [];
  const result = await engine.berth(['inspect', '--type', 'container', ...ids], { timeoutMs: READ_MS });
  let inspected;
  try {
    inspected = JSON.parse(result.stdout);
  } catch {
    throw new Error(`inspect printed no JSON (exit ${result.code}): ${result.stdout} ${result.stderr}`);
  }
  return inspected.map((c: { Id: string; State: { Status: string; Pid: number } }) => ({ id: c.Id, status: c.State.Status, pid: c.State.Pid }));
}

/** Waits until no container is half-way through a transition. */
export async function settle(engine: Engine): Promise<Seen[]> {
  for (let i = 0; i < 100; i++) {
    const all = await containers(engine);
    if (all.every((c) => !['starting', 'stopping', 'removing'].includes(c.status))) return all;
    await new Promise((r) => setTimeout(r, 100));
  }
  return containers(engine);
}

export async function cgroupHasProcesses(id: string): Promise<boolean> {
  for (const dir of await cgroupDirsOf(id)) {
    if ((await fs.readFile(path.join(dir, 'cgroup.procs'), 'utf8').catch(() => '')).trim()) return true;
  }
  return false;
}

/** The names of this namespace's links berth could have made (bridges, veths): none may be left. */
export async function hostLinks(): Promise<string[]> {
  const { stdout } = await run('ip', ['-o', 'link', 'show']);
  return stdout.split('\n').map((line) => line.split(': ')[1]?.split('@')[0] ?? '').filter((name) => /^(berth|veth)/.test(name));
}

/**
 * Whether the process may run its own code: it exists, is no zombie, and has no SIGKILL pending
 * (one killed frozen dies at its thaw without running again).
 */
export async function mayRun(pid: number): Promise<boolean> {
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const field = (name: string) => new RegExp(`^${name}:\\s*(\\S+)`, 'm').exec(status)?.[1] ?? '';
  const sigkill = (mask: string) => (BigInt(`0x${mask || '0'}`) & 0x100n) !== 0n;
  return status !== '' && !/^[ZX]/.test(field('State')) && !sigkill(field('SigPnd')) && !sigkill(field('ShdPnd'));
}

/**
 * The chaos harnesses' seeded choices (BERTH_CHAOS_SEED replays a run): a linear congruential
 * generator, so that one seed gives the same rounds on any machine.
 */
export function seededChoices(seed: number): { random: () => number; pick: <T>(items: readonly T[]) => T } {
  let x = seed;
  const random = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return { random, pick: (items) => items[Math.floor(random() * items.length)]! };
}
