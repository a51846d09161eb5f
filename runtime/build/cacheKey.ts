/**
 * The build cache's keys, pure: a step is the same when its parent state (the image config
 * built so far, without times) and its work are the same; for COPY and ADD the digest of the
 * staged content (paths, modes, owners, bytes; never mtimes) counts too; for RUN the env, and
 * with it the ARG values in use.
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
