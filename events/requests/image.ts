/** Image requests (berth.cmd.<host>.image) and their results. */
import * as z from 'zod';
import { ImageRecord } from '../image.js';
import { lazySchema } from '../lazySchema.js';

/** What `images` and `image inspect` show. */
export const ImageView = lazySchema(() => z.object({
  id: z.string(),
  host: z.string(),
  tags: z.array(z.string()),
  size: z.number(),
  created: z.string(),
  diffIds: z.array(z.string()),
  env: z.array(z.string()),
  cmd: z.array(z.string()),
  entrypoint: z.array(z.string()),
  workingDir: z.string(),
  /** What the image config recorded besides (see ImageRecord). */
  ...ImageRecord.pick({
    user: true, labels: true, exposedPorts: true, volumes: true, stopSignal: true, healthcheck: true,
    architecture: true, os: true, history: true, repoDigests: true, author: true, parent: true,
  }).shape,
}));
export type ImageView = z.infer<typeof ImageView>;

const Ref = lazySchema(() => z.string().min(1));
const Id = lazySchema(() => z.object({ id: z.string() }));

/**
 * One layer's progress, sent to the inbox a request names: a pull (waiting, exists, downloading,
 * extracting, done), a push (waiting, exists, pushing, pushed), a load (loading, loaded), a save
 * (saving, saved) or a commit (writing, written).
 */
export const Progress = lazySchema(() => z.object({
  /** The layer's digest (blob or diff id), or for a commit the container's id. */
  layer: z.string(),
  status: z.enum(['waiting', 'exists', 'downloading', 'extracting', 'done', 'pushing', 'pushed', 'loading', 'loaded', 'saving', 'saved', 'writing', 'written']),
  /** Bytes handled so far, and the layer's size (0: not known). */
  bytes: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
}));
export type Progress = z.infer<typeof Progress>;

export const imageRequests = {
  /** `changes`: --change lines as typed (runtime/images/configChanges.ts); `message`: the history comment. */
  'image.import': lazySchema(() => z.object({ op: z.literal('image.import'), path: z.string(), ref: Ref.optional(), changes: z.array(z.string()).optional(), message: z.string().optional() })),
  'image.list': lazySchema(() => z.object({ op: z.literal('image.list') })),
  'image.inspect': lazySchema(() => z.object({ op: z.literal('image.inspect'), ref: Ref })),
  'image.remove': lazySchema(() => z.object({ op: z.literal('image.remove'), ref: Ref, force: z.boolean() })),
  /** `platform` is os/arch[/variant]; the host's by default. */
  /** `progress`: an inbox that receives Progress messages while the layers come. */
  'image.pull': lazySchema(() => z.object({ op: z.literal('image.pull'), ref: Ref, platform: z.string().optional(), progress: z.string().optional() })),
  'image.tag': lazySchema(() => z.object({ op: z.literal('image.tag'), source: Ref, target: Ref })),
  /** pull -a: every tag of the repository `ref` names. */
  'image.pullTags': lazySchema(() => z.object({ op: z.literal('image.pullTags'), ref: Ref, platform: z.string().optional() })),
  /** `allTags`: every local tag of the reference's repository. `progress` (here, in load and save): an inbox for Progress messages. */
  'image.push': lazySchema(() => z.object({ op: z.literal('image.push'), ref: Ref, allTags: z.boolean(), progress: z.string().optional() })),
  'image.load': lazySchema(() => z.object({ op: z.literal('image.load'), path: z.string(), progress: z.string().optional() })),
  'image.save': lazySchema(() => z.object({ op: z.literal('image.save'), refs: z.array(Ref).min(1), path: z.string(), format: z.enum(['docker-archive', 'oci-archive']), progress: z.string().optional() })),
  'image.login': lazySchema(() => z.object({ op: z.literal('image.login'), server: z.string().optional(), username: z.string().min(1), password: z.string().min(1) })),
  'image.logout': lazySchema(() => z.object({ op: z.literal('image.logout'), server: z.string().optional() })),
};

export const imageResults = {
  'image.import': Id,
  'image.list': lazySchema(() => z.array(ImageView)),
  'image.inspect': ImageView,
  'image.remove': Id,
  'image.pull': lazySchema(() => z.object({ id: z.string(), digest: z.string(), tags: z.array(z.string()), fetched: z.number(), reused: z.number(), already: z.boolean() })),
  'image.tag': Id,
  'image.pullTags': lazySchema(() => z.object({ pulls: z.array(z.object({ tag: z.string(), digest: z.string(), fetched: z.number(), already: z.boolean() })) })),
  'image.push': lazySchema(() => z.object({
    repository: z.string(),
    pushes: z.array(z.object({
      tag: z.string(), digest: z.string(), size: z.number(),
      layers: z.array(z.object({ digest: z.string(), size: z.number(), status: z.enum(['pushed', 'exists']) })),
    })),
  })),
  'image.save': lazySchema(() => z.object({ ids: z.array(z.string()) })),
  'image.load': lazySchema(() => z.object({ images: z.array(z.object({ id: z.string(), tags: z.array(z.string()) })) })),
  'image.login': lazySchema(() => z.object({ registry: z.string() })),
  'image.logout': lazySchema(() => z.object({ registry: z.string(), removed: z.boolean() })),
};
