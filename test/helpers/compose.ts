/** A compose project for a test: its files in a temp dir removed at teardown, and `berth compose` on it. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Engine, Result } from './engine.js';

interface Teardown {
  teardown(fn: () => unknown): void;
}

export interface ComposeProject {
  /** The project's directory. */
  dir: string;
  /** Its compose.yaml. */
  file: string;
  /** `berth compose -f FILE -p NAME ARGS...`. */
  compose(...args: string[]): Promise<Result>;
}

/** Writes compose.yaml (and any other files, by path relative to the project) in a new temp dir. */
export async function composeProject(t: Teardown, engine: Engine, name: string, yaml: string, files: Record<string, string> = {}): Promise<ComposeProject> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-compose-'));
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'compose.yaml');
  for (const [relative, content] of Object.entries({ ...files, 'compose.yaml': yaml })) {
    await fs.mkdir(path.dirname(path.join(dir, relative)), { recursive: true });
    await fs.writeFile(path.join(dir, relative), content);
  }
  return { dir, file, compose: (...args: string[]) => engine.berth(['compose', '-f', file, '-p', name, ...args], { timeoutMs: 120_000 }) };
}

/** The host's link names, sorted: a test on bridges compares them before and after. */
export function hostLinks(): string[] {
  return execFileSync('ip', ['-o', 'link', 'show']).toString().split('\n').map((line) => line.split(':')[1]?.trim().split('@')[0]).filter((name): name is string => Boolean(name)).sort();
}
