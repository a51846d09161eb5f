/** The prune verbs' shared parts: the confirmation and Docker's report. */
import { createInterface } from 'node:readline';
import type { EngineClient } from './client.js';
import { humanSize } from './output.js';

/**
 * Docker's "Are you sure you want to continue? [y/N]": answered on stdin (a terminal or a pipe);
 * no answer is no. `-f` skips it.
 */
export async function confirm(warning: string, force: boolean | undefined): Promise<boolean> {
  if (force) return true;
  process.stderr.write(`${warning}\nAre you sure you want to continue? [y/N] `);
  const lines = createInterface({ input: process.stdin });
  const answer = await new Promise<string>((resolve) => {
    lines.once('line', resolve);
    lines.once('close', () => resolve(''));
  });
  lines.close();
  return /^y(es)?$/i.test(answer.trim());
}

export async function pruneContainers(client: EngineClient): Promise<number> {
  const { removed, reclaimedBytes } = await client.request({ op: 'container.prune' });
  if (removed.length) process.stdout.write(`Deleted Containers:\n${removed.map((id) => `${id}\n`).join('')}\n`);
  return reclaimedBytes;
}

export async function pruneImages(client: EngineClient, all: boolean): Promise<number> {
  const { untagged, deleted, reclaimedBytes } = await client.request({ op: 'image.prune', all });
  if (deleted.length) {
    process.stdout.write(`Deleted Images:\n${untagged.map((tag) => `untagged: ${tag}\n`).join('')}${deleted.map((id) => `deleted: ${id}\n`).join('')}\n`);
  }
  return reclaimedBytes;
}

/** Unused anonymous volumes, as `volume prune` without -a. */
export async function pruneVolumes(client: EngineClient): Promise<number> {
  const { removed, reclaimedBytes } = await client.request({ op: 'volume.prune', all: false, labels: [] });
  if (removed.length) process.stdout.write(`Deleted Volumes:\n${removed.map((name) => `${name}\n`).join('')}\n`);
  return reclaimedBytes;
}

export const reclaimed = (bytes: number) => process.stdout.write(`Total reclaimed space: ${humanSize(bytes)}\n`);
