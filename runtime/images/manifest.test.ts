import t from 'tap';
import { MediaType, hostPlatform, parseManifest, parsePlatform, selectPlatform, type ImageIndex } from './manifest.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const manifest = { schemaVersion: 2, mediaType: MediaType.dockerManifest, config: { mediaType: MediaType.dockerConfig, digest: d('a'), size: 10 }, layers: [{ mediaType: MediaType.dockerLayer, digest: d('b'), size: 20 }] };
const entry = (c: string, architecture: string, variant?: string) =>
  ({ mediaType: MediaType.ociManifest, digest: d(c), size: 1, platform: { os: 'linux', architecture, ...(variant ? { variant } : {}) } });
const index: ImageIndex = { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [entry('1', 'amd64'), entry('2', 'arm64', 'v8'), entry('3', 'arm', 'v6'), entry('4', 'arm', 'v7')] };

t.test('manifests and indexes parse by their media type', async (t) => {
  const parsed = parseManifest(Buffer.from(JSON.stringify(manifest)), null);
  t.equal(parsed.kind, 'manifest');
  const oci = parseManifest(Buffer.from(JSON.stringify({ ...manifest, mediaType: undefined })), MediaType.ociManifest);
  t.equal(oci.kind, 'manifest', 'an OCI manifest may leave mediaType out');
  t.equal(parseManifest(Buffer.from(JSON.stringify(index)), null).kind, 'index');
  t.throws(() => parseManifest(Buffer.from('{'), null), /not JSON/);
  t.throws(() => parseManifest(Buffer.from(JSON.stringify({ schemaVersion: 1, fsLayers: [] })), null), /schema 1/);
  t.throws(() => parseManifest(Buffer.from(JSON.stringify({ ...manifest, config: { ...manifest.config, digest: 'sha512:ab' } })), null), /sha256/);
});

t.test('platform selection', async (t) => {
  t.equal(selectPlatform(index, parsePlatform('linux/amd64')).digest, d('1'));
  t.equal(selectPlatform(index, parsePlatform('linux/arm64')).digest, d('2'), 'arm64 means arm64/v8');
  t.equal(selectPlatform(index, parsePlatform('linux/arm/v7')).digest, d('4'));
  t.equal(selectPlatform(index, parsePlatform('linux/arm')).digest, d('3'), 'no variant asked: the first arm');
  t.throws(() => selectPlatform(index, parsePlatform('linux/s390x')), { name: 'NotFoundError', message: /linux\/s390x.*it has: linux\/amd64, linux\/arm64\/v8/ });
  t.throws(() => parsePlatform('linux'), /invalid platform/);
  t.equal(hostPlatform().os, 'linux');
});
