import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { SealedElsewhereError, SecretBox } from './secretBox.js';
import { mergeEnv, openEnv, sealEnv } from './env.js';

t.test('given a box, when entries are sealed, then the record holds none of them and the box opens them', async (t) => {
  const box = SecretBox.ephemeral();
  const sealed = box.seal(['SECRET=hunter2', 'A=1']);
  t.notMatch(JSON.stringify(sealed), /hunter2/, 'nothing in the clear');
  t.equal(sealed.key, box.keyId);
  t.same(box.open(sealed), ['SECRET=hunter2', 'A=1']);
  t.not(box.seal(['SECRET=hunter2']).iv, box.seal(['SECRET=hunter2']).iv, 'a nonce per seal');
});

t.test('given another host\'s box or a tampered record, when opened, then it is refused', async (t) => {
  const sealed = SecretBox.ephemeral().seal(['SECRET=hunter2']);
  t.throws(() => SecretBox.ephemeral().open(sealed), SealedElsewhereError, 'another key');
  const box = SecretBox.ephemeral();
  const mine = box.seal(['SECRET=hunter2']);
  const data = Buffer.from(mine.data, 'base64');
  data[0] ^= 1;
  t.throws(() => box.open({ ...mine, data: data.toString('base64') }), SealedElsewhereError, 'a flipped bit');
});

t.test('given a data root, when the box is opened twice, then the key is made once, 0600, and kept', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-secretbox-'));
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'secrets', 'host.key');
  const first = await SecretBox.open(file);
  const second = await SecretBox.open(file);
  t.equal(first.keyId, second.keyId, 'the same key after a restart');
  t.same(second.open(first.seal(['A=1'])), ['A=1']);
  t.equal((await fs.stat(file)).mode & 0o777, 0o600);
  await fs.writeFile(file, 'short');
  await t.rejects(SecretBox.open(file), /secret key is 5 bytes/, 'a damaged key is refused, not replaced');
});

t.test('given a container\'s env, when sealed and opened, then the user\'s entries override the image\'s by key', async (t) => {
  const box = SecretBox.ephemeral();
  const holder = { env: ['PATH=/bin', 'A=1'], ...sealEnv(box, ['A=2', 'B=3']) };
  t.same(openEnv(box, holder), mergeEnv(['PATH=/bin', 'A=1'], ['A=2', 'B=3']));
  t.same(sealEnv(box, []), {}, 'no user env: nothing sealed');
  t.same(openEnv(box, { env: ['OLD=clear'] }), ['OLD=clear'], 'events written before sealing');
});
