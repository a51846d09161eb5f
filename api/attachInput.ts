/**
 * What a client sends on a hijacked attach or exec connection: its stdin, passed to the shim's
 * attach socket (client/shimConnection.ts). The socket may not exist yet (attach comes before
 * start), so what arrives is held until the shim answers; the client's half-close ends the
 * container's stdin (without a TTY, as `docker run -i` expects), and the output keeps flowing.
 */
import type { Duplex } from 'node:stream';
import { ShimConnection } from '../client/shimConnection.js';

/** How long one attempt waits for the shim's socket to appear before trying again. */
const CONNECT_ATTEMPT_MS = 200;

export class AttachInput {
  private conn: ShimConnection | null = null;
  private readonly held: Buffer[] = [];
  private ended = false;
  private closed = false;

  /** Reads `socket` (after `head`, what came with the headers) into the shim's socket at `shimSocket`. */
  constructor(private readonly shimSocket: string, socket: Duplex, head: Buffer, private readonly tty: boolean) {
    if (head.length) this.held.push(head);
    socket.on('data', (chunk: Buffer) => this.send(chunk));
    socket.on('end', () => { this.ended = true; this.flushEnd(); });
    socket.resume();
    void this.connect();
  }

  private async connect(): Promise<void> {
    while (!this.closed && !this.conn) {
      const conn = await ShimConnection.connect(this.shimSocket, CONNECT_ATTEMPT_MS);
      if (this.closed) { await conn?.close(); return; }
      this.conn = conn;
    }
    for (const chunk of this.held.splice(0)) this.conn?.stdin(chunk);
    this.flushEnd();
  }

  private send(chunk: Buffer): void {
    if (this.conn) this.conn.stdin(chunk); else this.held.push(chunk);
  }

  private flushEnd(): void {
    if (!this.ended || !this.conn) return;
    // With a TTY, stdin stays open (the terminal went, not the input); without, its end is EOF.
    if (!this.tty) this.conn.closeStdin();
  }

  /** Stops trying; the container's stdin stays as it is. */
  async close(): Promise<void> {
    this.closed = true;
    await this.conn?.close();
  }
}
