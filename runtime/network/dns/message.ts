/**
 * The little of DNS (RFC 1035) that container name resolution needs: the question of a query, and
 * an answer built for it (A, AAAA or PTR records, or an empty NOERROR, NXDOMAIN, SERVFAIL or REFUSED). Anything
 * else is relayed to an upstream resolver as bytes, never decoded. Pure.
 */

export const TYPE_A = 1;
export const TYPE_PTR = 12;
export const TYPE_AAAA = 28;
const CLASS_IN = 1;

export const RCODE = { noError: 0, serverFailure: 2, nameError: 3, refused: 5 } as const;
export type Rcode = (typeof RCODE)[keyof typeof RCODE];

export interface Question {
  id: number;
  /** Lower case, without the trailing dot. */
  name: string;
  type: number;
  class: number;
  /** Recursion desired, echoed in the answer. */
  recursionDesired: boolean;
  /** The question section's bytes (name, type, class) as the query held them. */
  raw: Buffer;
}

/** The first question of a standard query, or null for a malformed one, a response or another opcode. */
export function parseQuery(packet: Buffer): Question | null {
  if (packet.length < 12) return null;
  const flags = packet.readUInt16BE(2);
  const isResponse = (flags & 0x8000) !== 0;
  const opcode = (flags >> 11) & 0xf;
  if (isResponse || opcode !== 0 || packet.readUInt16BE(4) < 1) return null;
  const labels: string[] = [];
  let offset = 12;
  for (;;) {
    if (offset >= packet.length) return null;
    const length = packet[offset];
    if (length === 0) break;
    if (length > 63 || offset + 1 + length > packet.length) return null; // no compression in a question
    labels.push(packet.toString('latin1', offset + 1, offset + 1 + length).toLowerCase());
    offset += 1 + length;
  }
  offset += 1;
  if (offset + 4 > packet.length) return null;
  return {
    id: packet.readUInt16BE(0), name: labels.join('.'), type: packet.readUInt16BE(offset), class: packet.readUInt16BE(offset + 2),
    recursionDesired: (flags & 0x0100) !== 0, raw: packet.subarray(12, offset + 4),
  };
}

/** One answer record of the question's name: an IPv4 address (A), an IPv6 address (AAAA) or a name (PTR). */
export type Answer = { type: typeof TYPE_A | typeof TYPE_AAAA; address: string } | { type: typeof TYPE_PTR; name: string };

/** An IPv6 address's 16 bytes (the address is one the log holds: canonical and valid). */
function ipv6Bytes(address: string): Buffer {
  const [head, tail = ''] = address.split('::');
  const groups = (text: string) => (text === '' ? [] : text.split(':').map((group) => parseInt(group, 16)));
  const front = groups(head);
  const back = address.includes('::') ? groups(tail) : [];
  const all = [...front, ...Array<number>(8 - front.length - back.length).fill(0), ...back];
  const bytes = Buffer.alloc(16);
  all.forEach((group, index) => bytes.writeUInt16BE(group, index * 2));
  return bytes;
}

function formatIpv6(bytes: Buffer): string {
  return Array.from({ length: 8 }, (_, index) => bytes.readUInt16BE(index * 2).toString(16)).join(':');
}

function encodeName(name: string): Buffer {
  const parts = name.split('.').filter(Boolean).map((label) => {
    const bytes = Buffer.from(label, 'latin1');
    return Buffer.concat([Buffer.from([bytes.length]), bytes]);
  });
  return Buffer.concat([...parts, Buffer.from([0])]);
}

function encodeAnswer(answer: Answer, ttl: number): Buffer {
  const rdata = answer.type === TYPE_PTR ? encodeName(answer.name) : answer.type === TYPE_A ? Buffer.from(answer.address.split('.').map(Number)) : ipv6Bytes(answer.address);
  const record = Buffer.alloc(12);
  record.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
  record.writeUInt16BE(answer.type, 2);
  record.writeUInt16BE(CLASS_IN, 4);
  record.writeUInt32BE(ttl, 6);
  record.writeUInt16BE(rdata.length, 10);
  return Buffer.concat([record, rdata]);
}

/** The response to `question`: authoritative, recursion available, with these answers and rcode. */
export function buildResponse(question: Question, rcode: Rcode, answers: Answer[] = [], ttl = 600): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(question.id, 0);
  header.writeUInt16BE(0x8000 | 0x0400 | (question.recursionDesired ? 0x0100 : 0) | 0x0080 | rcode, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  return Buffer.concat([header, question.raw, ...answers.map((answer) => encodeAnswer(answer, ttl))]);
}

/** A query for `name` (a client's, for tests and measurements). */
export function buildQuery(id: number, name: string, type = TYPE_A): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0x0100, 2);
  header.writeUInt16BE(1, 4);
  const tail = Buffer.alloc(4);
  tail.writeUInt16BE(type, 0);
  tail.writeUInt16BE(CLASS_IN, 2);
  return Buffer.concat([header, encodeName(name), tail]);
}

/** A response's rcode and its A and AAAA addresses (AAAA ones as eight uncompressed groups; answers of other types skipped). */
export function parseResponse(packet: Buffer): { id: number; rcode: number; addresses: string[] } {
  const id = packet.readUInt16BE(0);
  const rcode = packet.readUInt16BE(2) & 0xf;
  const questions = packet.readUInt16BE(4);
  const answers = packet.readUInt16BE(6);
  let offset = 12;
  const skipName = () => {
    for (;;) {
      const length = packet[offset];
      if ((length & 0xc0) === 0xc0) { offset += 2; return; }
      offset += 1 + length;
      if (length === 0) return;
    }
  };
  for (let i = 0; i < questions; i++) { skipName(); offset += 4; }
  const addresses: string[] = [];
  for (let i = 0; i < answers; i++) {
    skipName();
    const type = packet.readUInt16BE(offset);
    const length = packet.readUInt16BE(offset + 8);
    if (type === TYPE_A && length === 4) addresses.push([...packet.subarray(offset + 10, offset + 14)].join('.'));
    if (type === TYPE_AAAA && length === 16) addresses.push(formatIpv6(packet.subarray(offset + 10, offset + 26)));
    offset += 10 + length;
  }
  return { id, rcode, addresses };
}
