/**
 * The chunked upload path of push (blobs bigger than a chunk go in PATCHes), against a real
 * registry: an image imported into a store of its own is pushed in 64 KiB chunks, then pulled
 * into a second store, where its layer unpacks to the same diff id.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { makeBusyboxTar } from '../helpers/busybox.js';
import { startRegistry } from '../helpers/registry.js';
import { importRootfs } from '../../runtime/images/importer.js';
import { pullImage } from '../../runtime/images/pull.js';
import { pushImage } from '../../runtime/images/push.js';
import { hostPlatform } from '../../runtime/images/manifest.js';
import { Layout } from '../../runtime/layout.js';
import { gateFile, requiresRegistry } from '../helpers/gates.js';

gateFile(requiresRegistry());

t.test('a blob bigger than a chunk goes in PATCHes; pulled back it is the same layer', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-push-'));
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
  const registry = await startRegistry(t, path.join(dir, 'reg'));
  const tar = path.join(dir, 'busybox.tar');
  await makeBusyboxTar(tar);
  const source = new Layout(path.join(dir, 'a'), path.join(dir, 'a-run'));
  const record = await importRootfs(source, tar, []);
  const blobSize = (await fs.stat(source.blob(record.layerBlobs![0]!.slice(7)))).size;
  const chunkBytes = 64 << 10;
  t.ok(blobSize > 3 * chunkBytes, `the layer blob (${blobSize} bytes) spans several chunks`);

  const ref = `${registry.host}/chunked/busybox:v1`;
  const pushed = await pushImage(source, record, ref, { insecureRegistries: [], chunkBytes });
  t.same(pushed.layers.map((l) => l.status), ['pushed']);
  const log = await fs.readFile(path.join(dir, 'reg', 'registry.log'), 'utf8');
  const patches = log.split('\n').filter((l) => l.includes('"PATCH /v2/chunked/busybox/blobs/uploads/')).length;
  t.equal(patches, Math.ceil(blobSize / chunkBytes), `one PATCH per chunk, as the registry logged them (${patches})`);

  const target = new Layout(path.join(dir, 'b'), path.join(dir, 'b-run'));
  const pulled = await pullImage(target, ref, { platform: hostPlatform(), insecureRegistries: [] });
  t.equal(pulled.digest, pushed.digest);
  t.same(pulled.record.diffIds, record.diffIds, 'the layer unpacks to the same content');
  t.equal(pulled.record.configDigest, record.configDigest);

  const again = await pushImage(source, record, ref, { insecureRegistries: [], chunkBytes });
  t.same(again.layers.map((l) => l.status), ['exists']);
});
