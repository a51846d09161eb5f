/**
 * The build cache's keys, pure: a step is the same when its parent state (the image config
 * built so far, without times) and its work are the same; for COPY and ADD the digest of the
 * staged content (paths, modes, owners, bytes; never mtimes) counts too; for RUN the env, and
 * with it the ARG values in use. A COPY or ADD also has a key by its sources (their content
 * before staging, or the layers it copies from), looked up first so that a cached step needs no
 * staging; the staged tree is a function of those sources, the parent's layers and the work.
 */
import { createHash } from 'node:crypto';
import type { ConfigBlob, LayerWork } from './stageState.js';

/** The state without what changes from build to build (creation times). */
function timeless(blob: ConfigBlob): unknown {
  const { created: _created, ...rest } = blob;
  return { ...rest, history: blob.history.map(({ created: _time, ...entry }) => entry) };
}

function hash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

/** The key of a layer step over `parent`; `contentDigest` for COPY and ADD, `network` for RUN. */
export function stepKey(parent: ConfigBlob, work: LayerWork, extra: { contentDigest?: string; network?: string }): string {
  return `step:${hash({ parent: timeless(parent), work, ...extra })}`;
}

/** The key of a final image: the state and the labels `--label` adds. */
export function imageKey(blob: ConfigBlob): string {
  return `image:${hash(timeless(blob))}`;
}

/** The key of a COPY or ADD over `parent` by what it reads: `source` from contextIndex.sourcesDigest or copyFromLayers. */
export function copyKey(parent: ConfigBlob, work: LayerWork, source: string): string {
  return `copy:${hash({ parent: timeless(parent), work, source })}`;
}

/** What a `COPY --from` reads: the stage's or image's layers, content-addressed and immutable. */
export function copyFromLayers(diffIds: string[]): string {
  return hash({ layers: diffIds });
}
