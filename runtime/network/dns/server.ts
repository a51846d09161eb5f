/**
 * berth's embedded DNS: a resolver on UDP and TCP port 53 of each user network's gateway address,
 * in the daemon. A query is answered from `lookup` (the containers' names, which the actors keep)
 * or relayed as bytes to the upstream resolvers `lookup` names, and the upstream's reply is
 * relayed back unchanged.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { buildResponse, parseQuery, RCODE, type Answer } from './message.js';

/** What to do with one question. */
export type Resolution =
  /** A name of the network: its addresses (A), or its name (PTR of a container's address). */
  | { kind: 'local'; answers: Answer[] }
  /** Not a local name: relay to these resolvers (in order). */
  | { kind: 'forward'; servers: string[] }
  /** Not a local name, and nothing to relay to (an internal network). */
  | { kind: 'refused' };

/** Answers a question that `client` asked the resolver on `listen`. */
export type NameLookup = (query: { listen: string; client: string; name: string; type: number }) => Resolution;

/** How long one upstream resolver is given before the next one is tried. */
const UPSTREAM_TIMEOUT_MS = 2_000;
const MAX_TCP_MESSAGE = 65_535;

export interface DnsServerOptions {
  port?: number;
  /** Errors that do not stop the server (a bad upstream, a client gone). */
  onError?: (error: Error) => void;
}

/** One resolver on one address. */
export class DnsServer {
  private udp: dgram.Socket | null = null;
  private tcp: net.Server | null = null;

  constructor(readonly address: string, private readonly lookup: NameLookup, private readonly options: DnsServerOptions = {}) {}

  /** Binds UDP and TCP; rejects when either cannot (the address missing, the port taken). */
  async start(): Promise<void> {
    const port = this.options.port ?? 53;
    const udp = dgram.createSocket({ type: 'udp4' });
    udp.on('message', (packet, remote) => {
      void this.answer(packet, remote.address).then((reply) => { if (reply) udp.send(reply, remote.port, remote.address); }, this.report);
    });
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(port, this.address, () => { udp.off('error', reject); resolve(); });
    });
    udp.on('error', this.report);
    this.udp = udp;
    const tcp = net.createServer((socket) => this.serveTcp(socket));
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(port, this.address, () => { tcp.off('error', reject); resolve(); });
    }).catch((error: Error) => { this.stop(); throw error; });
    tcp.on('error', this.report);
    this.tcp = tcp;
  }

  stop(): void {
    this.udp?.close();
    this.tcp?.close();
    this.udp = null;
    this.tcp = null;
  }

  private readonly report = (error: Error) => this.options.onError?.(error);

  /** The reply to one query; null to drop it (not a query). */
  private async answer(packet: Buffer, client: string, transport: 'udp' | 'tcp' = 'udp'): Promise<Buffer | null> {
    const question = parseQuery(packet);
    if (!question) return null;
    const resolution = this.lookup({ listen: this.address, client, name: question.name, type: question.type });
    if (resolution.kind === 'local') return buildResponse(question, RCODE.noError, resolution.answers.filter((answer) => answer.type === question.type));
    if (resolution.kind === 'refused' || resolution.servers.length === 0) return buildResponse(question, RCODE.refused);
    for (const server of resolution.servers) {
      const reply = await (transport === 'udp' ? forwardUdp : forwardTcp)(packet, server).catch(() => null);
      if (reply) return reply;
    }
    return buildResponse(question, RCODE.serverFailure);
  }

  /** DNS over TCP: messages with a two-byte length, several on one connection. */
  private serveTcp(socket: net.Socket): void {
    let buffered = Buffer.alloc(0);
    socket.on('error', () => socket.destroy());
    socket.setTimeout(10_000, () => socket.destroy());
    socket.on('data', (data: Buffer) => {
      buffered = Buffer.concat([buffered, data]);
      while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        const message = buffered.subarray(2, 2 + buffered.readUInt16BE(0));
        buffered = buffered.subarray(2 + message.length);
        void this.answer(message, socket.remoteAddress ?? '', 'tcp').then((reply) => {
          if (reply && !socket.destroyed) socket.write(withLength(reply));
        }, this.report);
      }
    });
  }
}

function withLength(message: Buffer): Buffer {
  const length = Buffer.alloc(2);
  length.writeUInt16BE(message.length, 0);
  return Buffer.concat([length, message]);
}

/** Relays a query over UDP from a fresh port (its reply cannot be mistaken for another's). */
function forwardUdp(packet: Buffer, server: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(server.includes(':') ? 'udp6' : 'udp4');
    const done = (error: Error | null, reply?: Buffer) => {
      clearTimeout(timer);
      socket.close();
      if (error) reject(error); else resolve(reply!);
    };
    const timer = setTimeout(() => done(new Error(`no answer from ${server}`)), UPSTREAM_TIMEOUT_MS);
    socket.on('error', (error) => done(error));
    socket.on('message', (reply, remote) => {
      if (remote.address === server && reply.length >= 2 && reply.readUInt16BE(0) === packet.readUInt16BE(0)) done(null, reply);
    });
    socket.send(packet, 53, server);
  });
}

/** Relays a query over TCP (a client that asked over TCP wants an answer that UDP may truncate). */
function forwardTcp(packet: Buffer, server: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: server, port: 53, timeout: UPSTREAM_TIMEOUT_MS });
    let buffered = Buffer.alloc(0);
    const fail = (error: Error) => { socket.destroy(); reject(error); };
    socket.on('error', fail);
    socket.on('timeout', () => fail(new Error(`no answer from ${server}`)));
    socket.on('connect', () => socket.write(withLength(packet)));
    socket.on('data', (data: Buffer) => {
      buffered = Buffer.concat([buffered, data]);
      if (buffered.length > 2 + MAX_TCP_MESSAGE) return fail(new Error(`oversized answer from ${server}`));
      if (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        socket.destroy();
        resolve(buffered.subarray(2, 2 + buffered.readUInt16BE(0)));
      }
    });
  });
}
