/** One mount of a container (a volume, a bind or a tmpfs), as recorded in its config. */
import * as z from 'zod';
import { lazySchema } from './lazySchema.js';

export const Propagation = lazySchema(() => z.enum(['private', 'rprivate', 'slave', 'rslave', 'shared', 'rshared']));
export type Propagation = z.infer<typeof Propagation>;

export const MountSpec = lazySchema(() => z.object({
  type: z.enum(['volume', 'bind', 'tmpfs']),
  /**
   * volume: its name ('' in a request for an anonymous volume, which the host then names);
   * bind: an absolute host path; tmpfs: ''.
   */
  source: z.string(),
  /** Absolute and clean, inside the container. */
  destination: z.string().startsWith('/'),
  readOnly: z.boolean(),
  /** volume: the volume was made for this container alone (-v /path, --mount without src). */
  anonymous: z.boolean().optional(),
  /** volume: do not fill an empty volume with the image's content at the destination. */
  noCopy: z.boolean().optional(),
  /** bind: how mounts propagate (default rprivate). */
  propagation: Propagation.optional(),
  /** bind given with -v: a missing host path is created (Docker's -v behaviour; --mount refuses). */
  createSource: z.boolean().optional(),
  /** tmpfs: size in bytes (0 or absent: the kernel's default, half of RAM). */
  tmpfsSize: z.number().int().nonnegative().optional(),
  /** tmpfs: the root directory's mode (default 1777). */
  tmpfsMode: z.number().int().min(0).max(0o7777).optional(),
  /** tmpfs: flags given with --tmpfs (exec, noexec, nosuid, suid, nodev, dev). */
  tmpfsFlags: z.array(z.enum(['exec', 'noexec', 'nosuid', 'suid', 'nodev', 'dev'])).optional(),
}));
export type MountSpec = z.infer<typeof MountSpec>;
