import t from 'tap';
import { manifestBytes } from './imageManifest.js';
import { parseManifest } from './manifest.js';

t.test('the manifest of a config and layers parses back as an OCI manifest, without extra fields', async (t) => {
  const d = (c: string) => `sha256:${c.repeat(64)}`;
  const bytes = manifestBytes(
    { mediaType: 'application/vnd.oci.image.config.v1+json', digest: d('a'), size: 10 },
    [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: d('b'), size: 20, annotations: { x: 'y' } }],
  );
  const parsed = parseManifest(bytes, null);
  t.equal(parsed.kind, 'manifest');
  t.same(JSON.parse(bytes.toString()), {
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: d('a'), size: 10 },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: d('b'), size: 20 }],
  });
});
