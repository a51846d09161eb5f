import t from 'tap';
import { ReplyParts } from './replyParts.js';

t.test('given a reply larger than a part, when kept, then its parts join to it and are forgotten after the last', async (t) => {
  const parts = new ReplyParts();
  const encoded = Uint8Array.from({ length: 2500 }, (_, i) => i % 251);
  t.same(parts.keep('r1', encoded, 1000), { ok: 'chunked', parts: 3, bytes: 2500 });
  const joined = Buffer.concat([0, 1, 2].map((i) => parts.part('r1', i)));
  t.ok(joined.equals(Buffer.from(encoded)), 'the parts joined are the reply');
  t.throws(() => parts.part('r1', 0), /no part 0 of a large reply to request r1/, 'forgotten once the last was fetched');
  t.throws(() => parts.part('other', 0), /no part 0/, 'an unknown request');
});

t.test('given parts nobody fetches, when their time is up, then they are forgotten', async (t) => {
  const parts = new ReplyParts(10);
  parts.keep('r2', new Uint8Array(30), 10);
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.throws(() => parts.part('r2', 0), /no part 0/);
});
