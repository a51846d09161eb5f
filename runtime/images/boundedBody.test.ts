import t from 'tap';
import { ERROR_TEXT_LIMIT, errorText, readBounded } from './boundedBody.js';

/** A body of `total` bytes made lazily in 64 KB chunks, counting what the reader pulled. */
function lazyBody(total: number, headers: Record<string, string> = {}): { response: Response; pulled: () => number } {
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= total) return controller.close();
      const chunk = new Uint8Array(Math.min(65_536, total - pulled)).fill(0x61);
      pulled += chunk.length;
      controller.enqueue(chunk);
    },
  }, { highWaterMark: 0 });
  return { response: new Response(stream, { headers }), pulled: () => pulled };
}

t.test('given a body over the limit, when read, then it is refused after the limit, not read whole', async (t) => {
  const { response, pulled } = lazyBody(64 << 20);
  await t.rejects(readBounded(response, 1 << 20, 'manifest'), /manifest: the answer is more than the 1048576 bytes allowed/);
  t.ok(pulled() <= (1 << 20) + 65_536, `read ${pulled()} bytes of 64 MB`);
});

t.test('given a declared length over the limit, when read, then nothing is read', async (t) => {
  const { response, pulled } = lazyBody(8 << 20, { 'content-length': String(8 << 20) });
  await t.rejects(readBounded(response, 1 << 20, 'manifest'), /8388608 bytes, more than/);
  t.equal(pulled(), 0);
});

t.test('given a body within the limit, when read, then it comes whole', async (t) => {
  t.equal((await readBounded(lazyBody(300_000).response, 1 << 20, 'x')).length, 300_000);
});

t.test('given a 12 MB error body, when its text is taken, then only its start is read', async (t) => {
  const { response, pulled } = lazyBody(12 << 20);
  const text = await errorText(response);
  t.ok(text.length < ERROR_TEXT_LIMIT + 40, `${text.length} characters`);
  t.match(text, /cut at 2048 bytes/);
  t.ok(pulled() <= 2 * 65_536, `read ${pulled()} bytes`);
  t.equal(await errorText(new Response('{"errors":[]}\n\u001b[31m')), '{"errors":[]} [31m', 'control characters are not printed');
});
