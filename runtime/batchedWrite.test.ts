import t from 'tap';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FileHandle } from 'node:fs/promises';
import { writeBatched } from './batchedWrite.js';

const expected = (total: number) => {
  const bytes = new Uint8Array(total);
  for (let i = 0; i < total; i++) bytes[i] = i % 251;
  return bytes;
};
async function* chunksOf(sizes: number[], fail?: Error): AsyncIterable<Uint8Array> {
  const all = expected(sizes.reduce((a, b) => a + b, 0));
  let at = 0;
  for (const size of sizes) { yield all.slice(at, at + size); at += size; }
  if (fail) throw fail;
}
/** Byte-equal (tap's deep comparison of a megabyte took seconds). */
const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

t.test('every chunk reaches the file in order, in batches', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'batched-'));
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'f');
  const handle = await fs.open(file, 'w');
  const sizes = [16384, 0, 70000, 1 << 20, 5, 300000, 1];
  const seen: number[] = [];
  const written = await writeBatched(handle, chunksOf(sizes), (chunk) => { seen.push(chunk.length); });
  await handle.close();
  const total = sizes.reduce((a, b) => a + b, 0);
  t.equal(written, total);
  t.same(seen, sizes, 'each chunk was seen, empty ones too');
  t.ok(sameBytes(await fs.readFile(file), expected(total)), 'the bytes, in order');
});

t.test('a writev that writes less than asked is continued where it stopped', async (t) => {
  const out: number[] = [];
  let calls = 0;
  const handle = {
    async writev(buffers: Uint8Array[]) {
      calls++;
      // At most 1000 bytes a call, across buffers.
      let budget = 1000;
      let bytesWritten = 0;
      for (const buffer of buffers) {
        const take = Math.min(budget, buffer.length);
        out.push(...buffer.subarray(0, take));
        bytesWritten += take;
        budget -= take;
        if (budget === 0) break;
      }
      return { bytesWritten, buffers };
    },
  } as unknown as FileHandle;
  const sizes = [700, 700, 2500, 1];
  t.equal(await writeBatched(handle, chunksOf(sizes)), 3901);
  t.same(Uint8Array.from(out), expected(3901), 'every byte once, in order');
  t.equal(calls, 4);
});

t.test('a source that fails: what came before is written, and the failure thrown', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'batched-'));
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'f');
  const handle = await fs.open(file, 'w');
  await t.rejects(writeBatched(handle, chunksOf([100, 200], new Error('cut'))), /cut/);
  await handle.close();
  t.same(new Uint8Array(await fs.readFile(file)), expected(300));
  const refused = await fs.open(file, 'w');
  await t.rejects(writeBatched(refused, chunksOf([10, 10, 10]), (chunk) => { if (chunk[0] === 20) throw new Error('too long'); }), /too long/, 'a check that throws stops the write');
  await refused.close();
  t.same(new Uint8Array(await fs.readFile(file)), expected(20), 'with the chunks before it written');
});
