/**
 * A client's side of a shim's attach socket (protocol: runtime/native/sock.c): stdin, its end
 * and the window size, for the CLI's `run -i/-t`, `attach` and `exec -it`, and for the API
 * server's attach, exec start and resize. Output is not read here: it comes over NATS like any
 * container's output, so the socket carries only what goes in.
 *
 * Limitation: the socket is under the run root of the daemon's machine, so stdin and resize work
 * only there (the CLI on that machine, or the daemon's own API server); a NATS relay is not built.
 */
import net from 'node:net';

const FRAME_MAX = 4096;

/** One frame: type, 2-byte big-endian length, payload. */
export function frame(type: string, payload: Buffer = Buffer.alloc(0)): Buffer {
  if (payload.length > FRAME_MAX) throw new RangeError('frame payload too large');
  const header = Buffer.from([type.charCodeAt(0), payload.length >> 8, payload.length & 0xff]);
  return Buffer.concat([header, payload]);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class ShimConnection {
  private constructor(private readonly socket: net.Socket) {}

  /** Connects; retries while the socket does not exist yet, for up to `waitMs`. Null when it never answered. */
  static async connect(sockPath: string, waitMs = 2000): Promise<ShimConnection | null> {
    for (let waited = 0; ; waited += 20) {
      try {
        const socket = await new Promise<net.Socket>((resolve, reject) => {
          const s = net.createConnection(sockPath, () => { s.off('error', reject); resolve(s); });
          s.once('error', reject);
        });
        socket.on('error', () => {});
        // the shim sends nothing unless asked ('a'); read to notice its end
        socket.on('data', () => {});
        return new ShimConnection(socket);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if ((code !== 'ENOENT' && code !== 'ECONNREFUSED') || waited >= waitMs) return null;
        await sleep(20);
      }
    }
  }

  stdin(data: Buffer): void {
    for (let off = 0; off < data.length; off += FRAME_MAX) this.socket.write(frame('i', data.subarray(off, off + FRAME_MAX)));
  }

  closeStdin(): void {
    this.socket.write(frame('c'));
  }

  resize(rows: number, cols: number): void {
    const p = Buffer.alloc(4);
    p.writeUInt16BE(Math.min(rows, 0xffff), 0);
    p.writeUInt16BE(Math.min(cols, 0xffff), 2);
    this.socket.write(frame('r', p));
  }

  /** Ends the connection once what was written is sent; stdin stays open in the container. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) { resolve(); return; }
      this.socket.end(() => resolve());
      setTimeout(resolve, 500).unref();
    });
  }
}
