/** Image requests (berth.cmd.<host>.image) and their results. */
import { z } from 'zod';

/** What `images` and `image inspect` show. */
export const ImageView = z.object({
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
});
export type ImageView = z.infer<typeof ImageView>;

const Ref = z.string().min(1);
const Id = z.object({ id: z.string() });

export const imageRequests = [
  z.object({ op: z.literal('image.import'), path: z.string(), ref: Ref.optional() }),
  z.object({ op: z.literal('image.list') }),
  z.object({ op: z.literal('image.inspect'), ref: Ref }),
  z.object({ op: z.literal('image.remove'), ref: Ref, force: z.boolean() }),
] as const;

export const imageResults = {
  'image.import': Id,
  'image.list': z.array(ImageView),
  'image.inspect': ImageView,
  'image.remove': Id,
};
