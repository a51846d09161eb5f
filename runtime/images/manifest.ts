/**
 * Image manifests and indexes (OCI and Docker schema2): the media types, their schemas, and
 * choosing the manifest of one platform from an index. Pure.
 */
import * as z from 'zod';
import { NotFoundError, ValidationError } from '../../events/errors.js';

export const MediaType = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerForeignLayer: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
} as const;

/** What a pull asks for, most wanted first. */
export const MANIFEST_ACCEPT = [MediaType.ociIndex, MediaType.dockerList, MediaType.ociManifest, MediaType.dockerManifest].join(', ');

const Digest = z.string().regex(/^sha256:[a-f0-9]{64}$/, 'only sha256 digests are supported');

export const Platform = z.object({ architecture: z.string(), os: z.string(), variant: z.string().optional() });
export type Platform = z.infer<typeof Platform>;

export const Descriptor = z.object({
  mediaType: z.string(),
  digest: Digest,
  size: z.number().int().nonnegative(),
  platform: Platform.optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});
export type Descriptor = z.infer<typeof Descriptor>;

export const ImageManifest = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  config: Descriptor,
  layers: z.array(Descriptor),
});
export type ImageManifest = z.infer<typeof ImageManifest>;

export const ImageIndex = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  manifests: z.array(Descriptor),
});
export type ImageIndex = z.infer<typeof ImageIndex>;

export type ParsedManifest = { kind: 'index'; index: ImageIndex } | { kind: 'manifest'; manifest: ImageManifest };

const INDEX_TYPES = new Set<string>([MediaType.ociIndex, MediaType.dockerList]);
const MANIFEST_TYPES = new Set<string>([MediaType.ociManifest, MediaType.dockerManifest]);

/** Parses manifest bytes; the media type comes from the body, else from the Content-Type. */
export function parseManifest(body: Uint8Array, contentType: string | null): ParsedManifest {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    throw new ValidationError('the registry sent a manifest that is not JSON');
  }
  const declared = (json as { mediaType?: string }).mediaType ?? contentType?.split(';')[0]?.trim() ?? '';
  const looksLikeIndex = INDEX_TYPES.has(declared) || (!MANIFEST_TYPES.has(declared) && Array.isArray((json as { manifests?: unknown }).manifests));
  const schema = looksLikeIndex ? ImageIndex : ImageManifest;
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    if ((json as { schemaVersion?: number }).schemaVersion === 1) throw new ValidationError('Docker schema 1 manifests are not supported');
    throw new ValidationError(`unsupported manifest (${declared || 'no media type'}): ${parsed.error.issues[0]?.message}`);
  }
  return looksLikeIndex ? { kind: 'index', index: parsed.data as ImageIndex } : { kind: 'manifest', manifest: parsed.data as ImageManifest };
}

/** "linux/arm64/v8" -> { os, architecture, variant }. */
export function parsePlatform(text: string): Platform {
  const [os, architecture, variant] = text.split('/');
  if (!os || !architecture) throw new ValidationError(`invalid platform "${text}" (want os/arch[/variant])`);
  return variant ? { os, architecture, variant } : { os, architecture };
}

export const formatPlatform = (p: Platform): string => [p.os, p.architecture, p.variant].filter(Boolean).join('/');

/** The platform of this machine, as OCI names it. */
export function hostPlatform(): Platform {
  const arch = ({ x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' } as Record<string, string>)[process.arch] ?? process.arch;
  return arch === 'arm64' ? { os: 'linux', architecture: arch, variant: 'v8' } : { os: 'linux', architecture: arch };
}

const defaultVariant = (p: Platform) => p.variant ?? (p.architecture === 'arm64' ? 'v8' : undefined);

/** The manifest for `want` in an index: os and architecture must match, and the variant when asked for. */
export function selectPlatform(index: ImageIndex, want: Platform): Descriptor {
  const candidates = index.manifests.filter((m) => MANIFEST_TYPES.has(m.mediaType) && m.platform
    && m.platform.os === want.os && m.platform.architecture === want.architecture);
  const exact = candidates.find((m) => defaultVariant(m.platform!) === defaultVariant(want));
  const chosen = exact ?? (want.variant === undefined ? candidates[0] : undefined);
  if (!chosen) {
    const offered = index.manifests.filter((m) => m.platform).map((m) => formatPlatform(m.platform!)).join(', ');
    throw new NotFoundError(`no matching manifest for ${formatPlatform(want)} in the manifest list (it has: ${offered || 'none'})`);
  }
  return chosen;
}
