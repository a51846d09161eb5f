/** The real docker CLI against an engine's API socket, with a config dir of its own. */
import fs from 'node:fs/promises';
import path from 'node:path';
import { runCaptured, type Engine, type Result } from './engine.js';

export function dockerSocket(engine: Engine): string {
  return path.join(engine.runRoot, 'docker.sock');
}

/** `docker ARGS` against the engine's socket; its config dir lives in the engine's dir. `input` is its stdin. */
export async function docker(engine: Engine, args: string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<Result> {
  const config = path.join(engine.dir, 'docker-config');
  await fs.mkdir(config, { recursive: true });
  const env = { PATH: process.env.PATH, HOME: engine.dir, DOCKER_HOST: `unix://${dockerSocket(engine)}`, DOCKER_CONFIG: config, ...opts.env };
  return runCaptured('docker', args, { env, timeoutMs: opts.timeoutMs ?? 60_000, what: `docker ${args.join(' ')}`, ...(opts.input !== undefined ? { input: opts.input } : {}) });
}

/** Like docker(), but throws with its stderr when it fails. */
export async function dockerOk(engine: Engine, args: string[]): Promise<string> {
  const result = await docker(engine, args);
  if (result.code !== 0) throw new Error(`docker ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}
