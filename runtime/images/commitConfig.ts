/**
 * The image config a `commit` writes: the parent image's config, with what the container ran
 * with (as Docker's commit takes the container's Config), then the `--change`s (a Config given
 * with the commit, the API's body, takes the changes and is merged over that instead), one more
 * history entry and, when the upper dir had anything, one more diff id. Pure.
 */
import type { ImageRecord } from '../../events/image.js';
import { applyChanges, type ConfigChange, type ImageRunConfig } from './configChanges.js';
import { mergeCommitConfig } from './commitMerge.js';

/** What the container ran with that the new image inherits. */
export interface ContainerRunConfig {
  /** The full argv the container ran (entrypoint first). */
  cmd: string[];
  /** The entrypoint part of `cmd`; absent in containers created before it was recorded. */
  entrypoint?: string[];
  env: string[];
  workingDir: string;
  user?: string;
  labels: Record<string, string>;
  stopSignal?: string;
}

export interface CommitMeta {
  /** ISO time of the commit. */
  created: string;
  comment?: string;
  author?: string;
  /** The container's id. */
  container: string;
  changes: ConfigChange[];
  /** A Config of the commit's own (the API's body), the changes applied to it, then merged over the container's. */
  config?: ImageRunConfig;
  /** The new layer's diff id; null when the upper dir was empty (no layer, as Docker's empty_layer). */
  diffId: string | null;
}

type ConfigBlob = Record<string, unknown> & { config?: ImageRunConfig | null; rootfs: { type: 'layers'; diff_ids: string[] }; history?: unknown[] | null };

/** Entrypoint and Cmd of a container: its argv split where the entrypoint ends. */
function splitArgv(container: ContainerRunConfig, parent: ImageRecord): { Entrypoint: string[] | null; Cmd: string[] | null } {
  const entrypoint = container.entrypoint ?? parent.entrypoint;
  const prefixed = entrypoint.every((word, i) => container.cmd[i] === word);
  const entry = prefixed ? entrypoint : [];
  const cmd = container.cmd.slice(entry.length);
  return { Entrypoint: entry.length ? entry : null, Cmd: cmd.length ? cmd : null };
}

export function commitConfig(parentBlob: ConfigBlob, parent: ImageRecord, container: ContainerRunConfig, meta: CommitMeta): ConfigBlob {
  const inherited: ImageRunConfig = {
    ...(parentBlob.config ?? {}),
    ...splitArgv(container, parent),
    Env: container.env,
    WorkingDir: container.workingDir,
    User: container.user ?? parent.user ?? '',
    Labels: { ...(parent.labels ?? {}), ...container.labels },
    ...(container.stopSignal ? { StopSignal: container.stopSignal } : {}),
  };
  const history = {
    created: meta.created,
    ...(meta.author ? { author: meta.author } : {}),
    created_by: container.cmd.join(' '),
    ...(meta.comment ? { comment: meta.comment } : {}),
    ...(meta.diffId ? {} : { empty_layer: true }),
  };
  const { author: _parentAuthor, ...rest } = parentBlob;
  return {
    ...rest,
    created: meta.created,
    ...(meta.author ? { author: meta.author } : {}),
    container: meta.container,
    // Docker: the changes go to the given config, which is then merged over the container's.
    config: meta.config ? mergeCommitConfig(applyChanges(meta.config, meta.changes), inherited) : applyChanges(inherited, meta.changes),
    rootfs: { type: 'layers', diff_ids: [...parentBlob.rootfs.diff_ids, ...(meta.diffId ? [meta.diffId] : [])] },
    history: [...(parentBlob.history ?? []), history],
  };
}
