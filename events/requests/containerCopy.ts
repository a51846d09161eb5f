/** `cp` requests: the daemon reads or writes the container's side as a tar file the CLI names. */
import * as z from 'zod';
import { lazySchema } from '../lazySchema.js';

const Ref = lazySchema(() => z.string().min(1));
const AbsolutePath = lazySchema(() => z.string().regex(/^\//, 'must be absolute'));

/** The archive's top entry: a copied file or dir (see runtime/containers/copyRules.ts). */
export const CopySourceView = lazySchema(() => z.object({ name: z.string().min(1), isDir: z.boolean(), contentsOnly: z.boolean() }));

export const containerCopyRequests = {
  /** `cp CONTAINER:PATH ...`: the daemon writes the archive of `path` at `file`. `follow`: cp -L. */
  'container.copyFrom': lazySchema(() => z.object({ op: z.literal('container.copyFrom'), ref: Ref, path: z.string().min(1), follow: z.boolean(), file: AbsolutePath })),
  /**
   * `cp ... CONTAINER:PATH`: the daemon extracts the tar at `file` to `path`. `source` names its
   * top entry (a copied host path); null for a tar from stdin, extracted into the dir `path`.
   * `owners`: keep the archive's uid/gid (cp -a).
   */
  'container.copyTo': lazySchema(() => z.object({ op: z.literal('container.copyTo'), ref: Ref, path: z.string().min(1), file: AbsolutePath, source: CopySourceView.nullable(), owners: z.boolean() })),
};

export const containerCopyResults = {
  'container.copyFrom': lazySchema(() => CopySourceView.extend({ size: z.number() })),
  'container.copyTo': lazySchema(() => z.object({ target: z.string(), size: z.number() })),
};
