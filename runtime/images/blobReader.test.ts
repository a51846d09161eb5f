/** BlobTee: a second reader of a download, held to the download's outcome and never holding it up once done. */
import type { Readable } from 'node:stream';
import t from 'tap';
import { BlobTee } from './blobReader.js';

const readAll = async (bytes: Readable): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of bytes) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

t.test('the reader gets every byte and the head, and finishes once the download is stored', async (t) => {
  const order: string[] = [];
  const tee = new BlobTee(async (bytes, head, stored) => {
    const all = await readAll(bytes);
    order.push('read');
    await stored;
    order.push('after stored');
    return { head: Buffer.from(head), all };
  });
  const data = Buffer.alloc(600 << 10, 7);
  data[0] = 0x1f;
  let download!: () => void;
  tee.settle(new Promise<void>((resolve) => { download = resolve; }));
  for (let at = 0; at < data.length; at += 16 << 10) await tee.push(data.subarray(at, at + (16 << 10)));
  tee.end();
  await new Promise((resolve) => setTimeout(resolve, 20));
  t.same(order, ['read'], 'the reader waits for the blob to be stored');
  download();
  const made = await tee.result();
  t.same(order, ['read', 'after stored']);
  t.ok(made!.all.equals(data), 'every byte, in order');
  t.equal(made!.head[0], 0x1f, 'the head is the first bytes');
});

t.test('a blob shorter than a batch still reaches the reader, at the end', async (t) => {
  const tee = new BlobTee(async (bytes, head) => ({ all: await readAll(bytes), head: Buffer.from(head) }));
  tee.settle(Promise.resolve());
  await tee.push(Buffer.from('ab'));
  tee.end();
  const made = await tee.result();
  t.equal(made!.all.toString(), 'ab');
  t.equal(made!.head.toString(), 'ab');
});

t.test('a failed download fails the reader\'s stream and its stored promise', async (t) => {
  const seen: string[] = [];
  const tee = new BlobTee(async (bytes, _head, stored) => {
    await readAll(bytes).catch((error: Error) => seen.push(`stream: ${error.message}`));
    await stored.catch((error: Error) => seen.push(`stored: ${error.message}`));
    return 'made';
  });
  tee.settle(Promise.reject(new Error('cut')));
  await tee.push(Buffer.alloc(300 << 10));
  tee.fail(new Error('cut'));
  await tee.result();
  t.same(seen, ['stream: cut', 'stored: cut']);
});

t.test('a download that fails before the reader started: no result', async (t) => {
  let started = false;
  const tee = new BlobTee(async () => { started = true; return 'made'; });
  tee.settle(Promise.reject(new Error('refused')));
  t.equal(await tee.result(), null);
  t.notOk(started);
});

t.test('a reader that fails early holds the download up no more', async (t) => {
  const tee = new BlobTee(async () => { throw new Error('not a layer'); });
  tee.settle(Promise.resolve());
  // Far more than the read-ahead: every push must settle though nobody reads.
  for (let i = 0; i < 40; i++) await tee.push(Buffer.alloc(256 << 10));
  tee.end();
  await t.rejects(tee.result(), /not a layer/);
});

t.test('a reader that refuses at once (a compression it cannot read) is its result, not the download\'s failure', async (t) => {
  const tee = new BlobTee<string>(() => { throw new Error('zstd'); });
  tee.settle(Promise.resolve());
  t.equal(tee.push(Buffer.alloc(300 << 10)), undefined);
  tee.end();
  await t.rejects(tee.result(), /zstd/);
});

t.test('a download cut before the reader reads (it is still preparing) is no unhandled error', async (t) => {
  const tee = new BlobTee(async (bytes) => {
    await new Promise((resolve) => setTimeout(resolve, 20)); // as unpackStream makes its temp dir first
    return readAll(bytes);
  });
  tee.settle(Promise.reject(new Error('cut')));
  await tee.push(Buffer.alloc(300 << 10));
  tee.fail(new Error('cut'));
  await t.rejects(tee.result(), /cut/);
});
