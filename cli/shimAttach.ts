/**
 * The CLI's side of a shim's attach socket (protocol: runtime/native/sock.c): stdin, window
 * size and detach keys for `run -i/-t` and `attach`. Output is not read here: it comes over
 * NATS like any container's output, so the socket carries only what goes in.
 *
 * Limitation: the CLI connects to the socket under its own run root, so stdin and resize work
 * only when the daemon runs on this machine with the same run root; a NATS relay is not built.
 */
import net from 'node:net';
import { DEFAULT_DETACH_KEYS, DetachKeyMatcher, parseDetachKeys } from './detachKeys.js';

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

/**
 * Wires this process's terminal to a connection: stdin (when `stdin`), raw mode when stdin is a
 * TTY and the container has one, window-size changes, and the detach keys (cli/detachKeys.ts;
 * ctrl-p ctrl-q unless `detachKeys` says otherwise). Returns the function that undoes it all.
 */
export function attachTerminal(
  conn: ShimConnection,
  opts: { stdin: boolean; tty: boolean; detachKeys?: readonly number[] },
  onDetach: () => void,
): () => void {
  const input = process.stdin;
  const output = process.stdout;
  const undo: Array<() => void> = [];
  if (opts.tty && output.isTTY) {
    const resize = () => conn.resize(output.rows, output.columns);
    resize();
    output.on('resize', resize);
    undo.push(() => output.off('resize', resize));
  }
  if (opts.stdin) {
    if (opts.tty && input.isTTY) {
      input.setRawMode(true);
      undo.push(() => input.setRawMode(false));
    }
    const matcher = new DetachKeyMatcher(opts.detachKeys ?? parseDetachKeys(DEFAULT_DETACH_KEYS));
    const onData = (chunk: Buffer) => {
      const { send, detach } = matcher.feed(chunk);
      if (send.length) conn.stdin(send);
      if (detach) onDetach();
    };
    const onEnd = () => {
      const held = matcher.flush();
      if (held.length) conn.stdin(held);
      if (!opts.tty) conn.closeStdin();
    };
    input.on('data', onData);
    input.on('end', onEnd);
    input.resume();
    undo.push(() => {
      input.off('data', onData);
      input.off('end', onEnd);
      input.pause();
      // a piped or TTY stdin would keep the process alive
      if (!input.isTTY) input.destroy();
    });
  }
  let undone = false;
  return () => {
    if (undone) return;
    undone = true;
    for (const fn of undo.reverse()) fn();
  };
}
