import t from 'tap';
import { buildQuery, buildResponse, parseQuery, parseResponse, RCODE, TYPE_A, TYPE_AAAA, TYPE_PTR } from './message.js';

t.test('a query read back, and answers a resolver library reads', async (t) => {
  const question = parseQuery(buildQuery(0x1234, 'Web.Example.'))!;
  t.match(question, { id: 0x1234, name: 'web.example', type: TYPE_A, class: 1, recursionDesired: true });
  const reply = buildResponse(question, RCODE.noError, [{ type: TYPE_A, address: '10.1.0.2' }, { type: TYPE_A, address: '10.2.0.3' }]);
  t.same(parseResponse(reply), { id: 0x1234, rcode: 0, addresses: ['10.1.0.2', '10.2.0.3'] });
  t.equal(reply.readUInt16BE(2) & 0x8000, 0x8000, 'a response');
  t.same(parseResponse(buildResponse(question, RCODE.nameError)), { id: 0x1234, rcode: 3, addresses: [] });
  const ptr = buildResponse(parseQuery(buildQuery(7, '2.0.1.10.in-addr.arpa', TYPE_PTR))!, RCODE.noError, [{ type: TYPE_PTR, name: 'db.web' }]);
  t.ok(ptr.includes(Buffer.from('\x02db\x03web\x00', 'latin1')), 'a PTR names the container');
  t.equal(parseQuery(buildQuery(1, 'x', TYPE_AAAA))!.type, TYPE_AAAA);
});

t.test('what is not a query is dropped', async (t) => {
  t.equal(parseQuery(Buffer.alloc(5)), null, 'too short');
  t.equal(parseQuery(buildResponse(parseQuery(buildQuery(1, 'a'))!, RCODE.noError)), null, 'a response');
  const truncated = buildQuery(1, 'abc.def');
  t.equal(parseQuery(truncated.subarray(0, truncated.length - 3)), null, 'cut short');
  const pointer = Buffer.concat([buildQuery(1, '').subarray(0, 12), Buffer.from([0xc0, 0x0c, 0, 1, 0, 1])]);
  t.equal(parseQuery(pointer), null, 'a compressed question name');
});

t.test('AAAA answers: 16 bytes', async (t) => {
  const question = parseQuery(buildQuery(7, 'srv', TYPE_AAAA))!;
  const reply = buildResponse(question, RCODE.noError, [{ type: TYPE_AAAA, address: 'fd95::50' }, { type: TYPE_AAAA, address: '1:2:3:4:5:6:7:8' }]);
  t.same(parseResponse(reply), { id: 7, rcode: 0, addresses: ['fd95:0:0:0:0:0:0:50', '1:2:3:4:5:6:7:8'] });
  t.equal(reply.length, 12 + question.raw.length + 2 * (12 + 16));
});
