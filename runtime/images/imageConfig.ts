/**
 * The image config blob (OCI / Docker) as berth records it: what runs inherit (Env, Entrypoint,
 * Cmd, WorkingDir, User...) and the diff ids the layers must match. Pure.
 */
import * as z from 'zod';
import { ValidationError } from '../../events/errors.js';
import type { ImageRecord } from '../../events/image.js';
import { chainIds } from './digest.js';

const Strings = z.array(z.string()).nullish();
const KeySet = z.record(z.string(), z.unknown()).nullish();

export const ImageConfigBlob = z.object({
  created: z.string().optional(),
  author: z.string().optional(),
  architecture: z.string().optional(),
  os: z.string().optional(),
  config: z.object({
    Env: Strings, Cmd: Strings, Entrypoint: Strings, WorkingDir: z.string().nullish(), User: z.string().nullish(),
    Labels: z.record(z.string(), z.string()).nullish(), ExposedPorts: KeySet, Volumes: KeySet, StopSignal: z.string().nullish(),
    Healthcheck: z.object({
      Test: Strings, Interval: z.number().optional(), Timeout: z.number().optional(), StartPeriod: z.number().optional(), Retries: z.number().optional(),
    }).nullish(),
  }).passthrough().nullish(),
  rootfs: z.object({ type: z.literal('layers'), diff_ids: z.array(z.string().regex(/^sha256:[a-f0-9]{64}$/)) }),
  history: z.array(z.object({
    created: z.string().optional(), created_by: z.string().optional(), comment: z.string().optional(), empty_layer: z.boolean().optional(),
  })).nullish(),
}).passthrough();
export type ImageConfigBlob = z.infer<typeof ImageConfigBlob>;

export function parseImageConfig(bytes: Uint8Array): ImageConfigBlob {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new ValidationError('the image config is not JSON');
  }
  const parsed = ImageConfigBlob.safeParse(json);
  if (!parsed.success) throw new ValidationError(`invalid image config: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** The record of an image from its config; the caller adds the size, tags and repo digests. */
export function recordFromConfig(configDigest: string, blob: ImageConfigBlob): Omit<ImageRecord, 'size' | 'tags'> {
  const c = blob.config ?? {};
  const h = c.Healthcheck;
  return {
    configDigest,
    diffIds: blob.rootfs.diff_ids,
    chainIds: chainIds(blob.rootfs.diff_ids),
    env: c.Env ?? [],
    cmd: c.Cmd ?? [],
    entrypoint: c.Entrypoint ?? [],
    workingDir: c.WorkingDir ?? '',
    created: blob.created ?? new Date(0).toISOString(),
    user: c.User ?? '',
    labels: c.Labels ?? {},
    exposedPorts: Object.keys(c.ExposedPorts ?? {}),
    volumes: Object.keys(c.Volumes ?? {}),
    ...(c.StopSignal ? { stopSignal: c.StopSignal } : {}),
    ...(h?.Test ? { healthcheck: { test: h.Test, interval: h.Interval, timeout: h.Timeout, startPeriod: h.StartPeriod, retries: h.Retries } } : {}),
    architecture: blob.architecture,
    ...(blob.author ? { author: blob.author } : {}),
    os: blob.os,
    history: (blob.history ?? []).map((e) => ({ created: e.created, createdBy: e.created_by, comment: e.comment, emptyLayer: e.empty_layer })),
  };
}
