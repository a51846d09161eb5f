/**
 * A file the CLI and the daemon share under the run root (they run on one machine): the daemon
 * writes an archive there for the CLI to stream to stdout, or reads one the CLI wrote from stdin.
 * The file is removed when the work is done, whatever happens.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { EngineClient } from './client.js';

export async function withRunRootFile<T>(client: EngineClient, prefix: string, work: (file: string) => Promise<T>): Promise<T> {
  await fs.mkdir(client.layout.runRoot, { recursive: true });
  const file = path.join(client.layout.runRoot, `${prefix}-${randomUUID()}.tar`);
  try {
    return await work(file);
  } finally {
    await fs.rm(file, { force: true });
  }
}
